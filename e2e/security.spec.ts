// Browser-side security against the built app: security headers, the session cookie's flags,
// server actions refusing cross-origin posts (CSRF), sign-in brute force, and no XSS from policy
// names, descriptions, event payloads or receiver answers shown in the webhook pages.
import type { APIRequestContext, Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { E2E_BASE_URL } from "./env";
import { ADMIN_PASSWORD, ADMIN_USERNAME, expect, loginAs, snap, test, uniqueName } from "./fixtures";

const XSS = {
  name: (id: string) => `<script>window.__xss=1</script>${id}`,
  description: `<img src=x onerror="window.__xss=2">`,
  operator: `<img src=x onerror=window.__xss=3>`,
  eventText: `<script>window.__xss=5</script>`,
  receiverBody: `<script>window.__xss=4</script><img src=x onerror=window.__xss=6>`,
};

let receiver: LocalServer;
test.beforeAll(async () => {
  receiver = await startServer((_req, res) =>
    res.writeHead(500, { "Content-Type": "text/html" }).end(XSS.receiverBody),
  );
});
test.afterAll(async () => {
  await receiver?.close();
});

/** Fails the test if any script we planted ran: an alert/confirm, or window.__xss set. */
async function expectNoScriptRan(page: Page, dialogs: string[]) {
  expect(dialogs, "a dialog opened: injected script ran").toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

test("security headers on pages and API answers", async ({ request }) => {
  for (const path of ["/login", "/projects", "/api-docs"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    const h = res.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).toContain("default-src 'self'");
    expect(h["content-security-policy"]).toContain("form-action 'self'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-powered-by"]).toBeUndefined();
  }
  const api = await request.get("/v1/destinations");
  expect(api.status()).toBe(401);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the session cookie is HttpOnly and SameSite=Lax (Secure needs https: tests/security/cookies.test.ts)", async ({
  adminPage: page,
}) => {
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
  // Not readable by scripts on the page.
  await page.goto("/projects");
  expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");
});

test("server actions refuse a cross-origin post (CSRF); the same request from our origin works", async ({
  adminPage: page,
  adminRequest,
}) => {
  // Capture a real server action request: "Create project" on /projects.
  const first = uniqueName("csrf-a");
  await page.goto("/projects");
  const captured = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create project" }) });
  await form.getByLabel("Project name").fill(first);
  await form.getByRole("button", { name: "Create project" }).click();
  const action = await captured;
  await expect(form.getByRole("status")).toHaveText(`Project ${first} created.`);
  const body = action.postData() ?? "";
  expect(body).toContain(first);
  const replay = (name: string, origin: string) =>
    page.request.post(action.url(), {
      headers: {
        "next-action": action.headers()["next-action"],
        "content-type": action.headers()["content-type"],
        origin,
        accept: "text/x-component",
      },
      data: body.replace(first, name),
      maxRedirects: 0,
    });
  const exists = async (name: string) => (await adminRequest.get(`/api/v2.0/projects/${name}`)).status() === 200;

  const evil = uniqueName("csrf-b");
  const refused = await replay(evil, "http://evil.example");
  expect(refused.ok(), `a cross-origin server action answered ${refused.status()}`).toBe(false);
  expect(await exists(evil)).toBe(false);

  // The replay itself is sound: from our own origin it creates the project.
  const same = uniqueName("csrf-c");
  const accepted = await replay(same, E2E_BASE_URL);
  expect(accepted.ok()).toBe(true);
  expect(await exists(same)).toBe(true);
});

/** Signs in through next-auth's credentials callback; true when a session was made. */
async function tryPassword(request: APIRequestContext, username: string, password: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password, json: "true" },
    maxRedirects: 0,
  });
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { name?: string } };
  return session.user?.name === username;
}

test("sign-in brute force: after 10 wrong passwords the 11th try says “Too many failed sign-ins”, even with the right password", async ({
  adminRequest,
  page,
  playwright,
}) => {
  const username = uniqueName("brute");
  const password = "Right-Passw0rd-123";
  expect(
    (await adminRequest.post("/api/v2.0/users", { data: { username, password, realname: "Brute Force" } })).status(),
  ).toBe(201);
  const attacker = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    for (let i = 0; i < 10; i++) expect(await tryPassword(attacker, username, `wrong-${i}`)).toBe(false);
    expect(await tryPassword(attacker, username, password)).toBe(false);
  } finally {
    await attacker.dispose();
  }
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByText("Too many failed sign-ins for this user. Wait a few minutes and try again."),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await snap(page, "security-01-brute-force");
});

test("no XSS: script in a policy name, description, event payload and a receiver's answer is shown as text", async ({
  adminRequest,
  page,
  playwright,
}) => {
  const project = uniqueName("xss");
  const id = uniqueName("p");
  const api = `/api/v2.0/projects/${project}`;
  expect(
    (
      await adminRequest.post("/api/v2.0/projects", { data: { project_name: project, metadata: { public: "false" } } })
    ).status(),
  ).toBe(201);
  const created = await adminRequest.post(`${api}/webhook/policies`, {
    data: {
      name: XSS.name(id),
      description: XSS.description,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: receiver.url }],
      retry_policy: { max_attempts: 1 },
    },
  });
  expect(created.status()).toBe(201);
  const policyId = created.headers()["location"].split("/").pop()!;
  const key = (await (await adminRequest.post(`${api}/api-keys`, { data: { mode: "test", name: "xss" } })).json()) as {
    key: string;
  };
  const event = {
    type: "PUSH_ARTIFACT",
    operator: XSS.operator,
    event_data: {
      resources: [{ digest: "sha256:abc", tag: XSS.eventText, resource_url: `r.example/${XSS.eventText}` }],
      repository: {
        date_created: 1700000000,
        name: XSS.eventText,
        namespace: project,
        repo_full_name: `${project}/x`,
        repo_type: "private",
      },
    },
  };
  // Its own client: adminRequest would send the admin's Basic credentials instead of the key.
  const machine = await playwright.request.newContext({
    baseURL: E2E_BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${key.key}` },
  });
  const posted = await machine.post("/v1/events", { data: event });
  expect(posted.status(), await posted.text()).toBe(202);
  await machine.dispose();
  // The receiver answers 500 with markup; the worker records it in the task's log and status.
  await expect
    .poll(
      async () => {
        const list = (await (await adminRequest.get(`${api}/webhook/policies/${policyId}/executions`)).json()) as {
          status: string;
        }[];
        return list[0]?.status;
      },
      { timeout: 20_000 },
    )
    .toBe("Error");

  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await loginAs(page, ADMIN_USERNAME, ADMIN_PASSWORD);

  await page.goto(`/projects/${project}/webhooks`);
  await expect(page.getByRole("link", { name: XSS.name(id), exact: true })).toBeVisible();
  await expect(page.getByText(XSS.description).first()).toBeVisible();
  await expectNoScriptRan(page, dialogs);
  await snap(page, "security-02-xss-grid");

  await page.getByRole("link", { name: XSS.name(id), exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: XSS.name(id) })).toBeVisible();
  const row = page.getByRole("table", { name: "Executions" }).locator("tbody tr").first();
  await expect(row).toContainText("Error");
  await row.getByRole("button", { name: "Show payload" }).click();
  const payload = page.getByRole("dialog", { name: /^Payload of execution \d+$/ });
  await expect(payload).toContainText(XSS.operator);
  await expect(payload).toContainText(XSS.eventText);
  await expectNoScriptRan(page, dialogs);
  await snap(page, "security-03-xss-payload");
  await page.keyboard.press("Escape");

  await row.getByRole("link", { name: /^Execution \d+$/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Execution \d+/ })).toBeVisible();
  await expect(page.locator("main")).toContainText("<script>window.__xss=4</script>");
  await expectNoScriptRan(page, dialogs);
  await snap(page, "security-04-xss-execution");

  await page.getByRole("link", { name: /^Log of task \d+$/ }).click();
  await expect(page.locator("main")).toContainText("<script>window.__xss=4</script>");
  await expectNoScriptRan(page, dialogs);
  await snap(page, "security-05-xss-log");
  // Nothing injected into the DOM as elements either.
  expect(await page.locator("main script, main img[src='x']").count()).toBe(0);
});
