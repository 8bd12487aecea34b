// Forms after a refusal: the message is a sentence next to the field at fault (aria-invalid,
// aria-describedby, the focus there), and what was typed is still in the form. Refusals for lack of a
// role say which role may.
import type { Browser, Locator, Page } from "@playwright/test";
import { addMember, createProject, createUser, expect, loginAs, snap, test, uniqueName } from "./fixtures";

/** The input's refusal: marked invalid, described by the message, and holding the keyboard focus. */
async function expectRefused(input: Locator, message: string | RegExp) {
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toHaveAccessibleDescription(message);
  await expect(input).toBeFocused();
}

async function asUser(browser: Browser, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAs(page, username, password);
  return page;
}

test("project create: a bad name is explained, and the name and the public box stay", async ({ adminPage: page }) => {
  await page.goto("/projects");
  const form = page.getByRole("form", { name: "Create a project" });
  await form.getByLabel("Project name").fill("Team A");
  await form.getByLabel(/^Public/).check();
  await form.getByRole("button", { name: "Create project" }).click();
  await expectRefused(
    form.getByLabel("Project name"),
    "Use lower-case letters and digits, with single '.', '_' or '-' between them, for example team-a.",
  );
  await expect(form.getByLabel("Project name")).toHaveValue("Team A");
  await expect(form.getByLabel(/^Public/)).toBeChecked();
  await snap(page, "forms-01-project-name");

  // Fixed, it is created, and the form is ready for the next one.
  const name = uniqueName("team-a");
  await form.getByLabel("Project name").fill(name);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByRole("status")).toHaveText(`Project ${name} created.`);
  await expect(form.getByLabel("Project name")).toHaveValue("");
  await expect(form.getByLabel(/^Public/)).not.toBeChecked();
});

test("webhook form: refusals by field, and every typed value (the auth header too) stays", async ({
  adminPage: page,
}) => {
  const project = uniqueName("forms-hook");
  await createProject(page, project);
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill("ci");
  await form.getByLabel("Description").fill("tells CI");
  await form.getByLabel("Endpoint URL").fill("https://bot:hunter2@ci.example.com/hook");
  await form.getByLabel("Auth header").fill("Bearer typed-secret");
  await form.getByText("Filters and retries (optional)").click();
  await form.getByLabel("HTTP timeout (seconds)").fill("600");
  await form.getByRole("button", { name: "Add", exact: true }).click();

  await expectRefused(
    form.getByLabel("Endpoint URL"),
    /^Leave the user name and password \(user:password@\) out of the URL; put them in the auth header/,
  );
  await expect(form.getByLabel("HTTP timeout (seconds)")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("HTTP timeout (seconds)")).toHaveAccessibleDescription(
    /^Enter a number of seconds from 0\.5 to 60, or leave it empty for the system default\./,
  );
  await expect(form.getByLabel("Name")).toHaveValue("ci");
  await expect(form.getByLabel("Description")).toHaveValue("tells CI");
  await expect(form.getByLabel("Endpoint URL")).toHaveValue("https://bot:hunter2@ci.example.com/hook");
  await expect(form.getByLabel("Auth header")).toHaveValue("Bearer typed-secret");
  await snap(page, "forms-02-webhook");

  // Saved once; a second webhook of the same name is refused on the name, whoever says it first
  // (the check as it is typed, or the server).
  await form.getByLabel("Endpoint URL").fill("https://ci.example.com/hook");
  await form.getByLabel("HTTP timeout (seconds)").fill("");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
  await page.goto(`/projects/${project}/webhooks/new`);
  await form.getByLabel("Name").fill("ci");
  await form.getByLabel("Endpoint URL").fill("https://other.example.com/hook");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Name")).toHaveAccessibleDescription(
    /^A webhook named "ci" already exists in this project\. Choose another name\./,
  );
  await expect(form.getByLabel("Endpoint URL")).toHaveValue("https://other.example.com/hook");
});

test("API key create: a name too long is refused by the server, and the name and the mode stay", async ({
  adminPage: page,
}) => {
  const project = uniqueName("forms-keys");
  await createProject(page, project);
  await page.goto(`/projects/${project}/api-keys`);
  const form = page.getByRole("form", { name: "Create an API key" });
  const long = `scanner ${"x".repeat(100)}`;
  await form.getByLabel("Test").check();
  await form.getByLabel("Name (optional)").fill(long);
  await form.getByRole("button", { name: "Create API key" }).click();
  await expectRefused(form.getByLabel("Name (optional)"), "Use at most 100 characters.");
  await expect(form.getByLabel("Name (optional)")).toHaveValue(long);
  await expect(form.getByLabel("Test")).toBeChecked();
  await expect(page.getByRole("region", { name: /New test key/ })).toHaveCount(0);
  await snap(page, "forms-03-api-key");
});

test("user create: refusals by field; the typed password stays in the page, never sent back", async ({
  adminPage: page,
}) => {
  const username = uniqueName("forms-user");
  await createUser(page, { username, password: "first-Passw0rd" });

  await page.goto("/admin/users");
  const form = page.getByRole("form", { name: "Create a user" });
  // The server action's requests and answers, read whole (a streamed answer cannot be read afterwards).
  const exchanges: { sent: string; answer: string }[] = [];
  await page.route("**/admin/users", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const response = await route.fetch();
    const answer = await response.text();
    exchanges.push({ sent: route.request().postData() ?? "", answer });
    await route.fulfill({ response, body: answer });
  });
  await form.getByLabel("User name").fill("has space");
  await form.getByLabel("E-mail (optional)").fill("someone@example.com");
  await form.getByLabel("Password", { exact: true }).fill("typed-Passw0rd");
  await form.getByLabel("System admin").check();
  await form.getByRole("button", { name: "Create user" }).click();
  await expectRefused(form.getByLabel("User name"), "Use letters, digits, '.', '_', '@' or '-', without spaces.");
  await expect(form.getByLabel("User name")).toHaveValue("has space");
  await expect(form.getByLabel("E-mail (optional)")).toHaveValue("someone@example.com");
  await expect(form.getByLabel("Password", { exact: true })).toHaveValue("typed-Passw0rd");
  await expect(form.getByLabel("System admin")).toBeChecked();
  await snap(page, "forms-04-user");

  await form.getByLabel("User name").fill(username);
  await form.getByRole("button", { name: "Create user" }).click();
  await expectRefused(
    form.getByLabel("User name"),
    `A user named ${username} already exists. Choose another user name.`,
  );
  await expect(form.getByLabel("Password", { exact: true })).toHaveValue("typed-Passw0rd");
  // The password went to the server each time, and never came back.
  expect(exchanges).toHaveLength(2);
  for (const { sent, answer } of exchanges) {
    expect(sent).toContain("typed-Passw0rd");
    expect(answer).toContain('"ok":false');
    expect(answer).not.toContain("typed-Passw0rd");
  }
});

test("members: an unknown user is named, and the chosen role stays", async ({ adminPage: page }) => {
  const project = uniqueName("forms-members");
  await createProject(page, project);
  await page.goto(`/projects/${project}/members`);
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("User name").fill("nobody-here");
  await form.getByLabel("Role").selectOption({ label: "Maintainer" });
  await form.getByRole("button", { name: "Add member" }).click();
  await expectRefused(
    form.getByLabel("User name"),
    "There is no user named nobody-here. Check the spelling; system admins create accounts under Users.",
  );
  await expect(form.getByLabel("User name")).toHaveValue("nobody-here");
  await expect(form.getByLabel("Role")).toHaveValue("maintainer");
});

test("sign-in: a wrong password keeps the user name, marks both fields and selects the password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong user name or password.")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveValue("admin");
  await expect(page.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription("Wrong user name or password.");
  await expect(page.getByLabel("Password")).toBeFocused();
  await snap(page, "forms-05-sign-in");
});

test("refusals for lack of a role say which role may", async ({ adminPage: page, browser }) => {
  const project = uniqueName("forms-roles");
  const maintainer = { username: uniqueName("forms-maint"), password: "maintainer-Passw0rd" };
  const guest = { username: uniqueName("forms-guest"), password: "guest-Passw0rd-1" };
  await createUser(page, maintainer);
  await createUser(page, guest);
  await createProject(page, project);
  await addMember(page, project, maintainer.username, "maintainer");
  await addMember(page, project, guest.username, "guest");

  const m = await asUser(browser, maintainer.username, maintainer.password);
  await m.goto(`/projects/${project}/members`);
  await expect(m.getByText("Only project admins can manage members.")).toBeVisible();
  await expect(m.getByRole("form", { name: "Add a member" })).toHaveCount(0);
  await snap(m, "forms-06-maintainer-members");
  await m.goto(`/projects/${project}/webhooks`);
  await expect(m.getByText("Only project admins can change webhooks.")).toBeVisible();
  await m.goto(`/projects/${project}/api-keys`);
  await expect(m).toHaveURL(/\/forbidden/);
  await expect(m.getByText("Only project admins can manage API keys.")).toBeVisible();
  await snap(m, "forms-07-maintainer-api-keys");
  await m.context().close();

  const g = await asUser(browser, guest.username, guest.password);
  await g.goto(`/projects/${project}/webhooks`);
  await expect(g).toHaveURL(/\/forbidden/);
  await expect(g.getByText("Only project admins and maintainers can see webhooks.")).toBeVisible();
  await g.goto("/admin/settings");
  await expect(g.getByText("Only system admins can change system settings. Ask a system admin")).toBeVisible();
  await snap(g, "forms-08-guest-settings");
  await g.context().close();
});
