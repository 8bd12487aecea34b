// The foundation: signing in and out, projects, users, members and the permission page.
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  addMember,
  createProject,
  createUser,
  expect,
  loginAs,
  signOut,
  snap,
  test,
  uniqueName,
} from "./fixtures";

test.describe("signing in", () => {
  test("the admin signs in with ADMIN_PASSWORD and sees Projects", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in to Harbor Notifier" })).toBeVisible();
    await snap(page, "foundation-01-login");

    await loginAs(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toContainText("admin (system admin)");
    await expect(page.getByRole("link", { name: "Users" })).toBeVisible();
    await snap(page, "foundation-02-projects-admin");
  });

  test("a wrong password is refused and the page stays on /login", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(ADMIN_USERNAME);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong user name or password.");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("navigation", { name: "Main" })).not.toContainText("Sign out");
    await snap(page, "foundation-03-login-wrong-password");
  });

  test("an unknown user gets the same answer", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(uniqueName("nobody"));
    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong user name or password.");
    await expect(page).toHaveURL(/\/login$/);
    await snap(page, "foundation-04-login-unknown-user");
  });
});

test("the admin creates a project, and a duplicate name is a field error", async ({ page }) => {
  const name = uniqueName("library");
  await loginAs(page, ADMIN_USERNAME, ADMIN_PASSWORD);
  await createProject(page, name);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Private");
  await snap(page, "foundation-05-project-created");

  const nameField = page.getByLabel("Project name");
  await nameField.fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(nameField).toHaveAttribute("aria-invalid", "true");
  await expect(nameField).toHaveAccessibleDescription(`A project named ${name} already exists. Choose another name.`);
  await expect(nameField).toHaveValue(name);
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(1);
  await snap(page, "foundation-06-project-duplicate");
});

test("a maintainer added on the Members tab sees the project but not the admin pages", async ({ page }) => {
  const project = uniqueName("team");
  const user = { username: uniqueName("maintainer"), password: "maintainer-Passw0rd" };

  await test.step("the admin creates a project and a user", async () => {
    await loginAs(page, ADMIN_USERNAME, ADMIN_PASSWORD);
    await createProject(page, project);
    await createUser(page, user);
    const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: user.username, exact: true }) });
    await expect(row).toContainText("User");
    await expect(row).not.toContainText("System admin");
    await snap(page, "foundation-07-users");
  });

  await test.step("the admin adds the user as maintainer", async () => {
    await addMember(page, project, user.username, "maintainer");
    const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: user.username, exact: true }) });
    await expect(row.getByRole("cell").nth(1)).toHaveText("Maintainer");
    // The project's creator is its first member, as project admin.
    const adminRow = page
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: ADMIN_USERNAME, exact: true }) });
    await expect(adminRow.getByRole("cell").nth(1)).toHaveText("Project admin");
    await snap(page, "foundation-08-members");
    await signOut(page);
  });

  await test.step("the maintainer signs in and is refused the users page", async () => {
    await loginAs(page, user.username, user.password);
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/forbidden/);
    await expect(page.getByRole("heading", { name: "You don't have permission to see this" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await snap(page, "foundation-09-forbidden");
  });

  await test.step("the maintainer sees the project in the list", async () => {
    await page.getByRole("link", { name: "Back to projects" }).click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("link", { name: project, exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);
    await snap(page, "foundation-10-projects-maintainer");
  });
});

test("the adminPage fixture signs in without the form", async ({ adminPage: page }) => {
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("admin (system admin)");
});
