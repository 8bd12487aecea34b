// Accounts: a generated password must be changed at the first sign-in, users change their own
// password on their profile, and a system admin disables and deletes a user through dialogs that
// say what will happen.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { addMember, createProject, createUser, expect, openRowMenu, signOut, snap, test, uniqueName } from "./fixtures";
import { E2E_DATA_DIR } from "./env";

const alice = { username: uniqueName("alice"), password: "Alice-first-1" };
const project = uniqueName("acct");
let generated = "";
const mine = "Alice-own-pass-2";
const later = "Alice-later-pass-3";

/** `npm run admin:reset-password -- --user NAME` against the e2e server's data directory. */
async function resetPasswordCommand(username: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "scripts/admin-reset-password.ts", "--user", username],
    { env: { ...process.env, DATA_DIR: E2E_DATA_DIR, DATABASE_URL: "" } },
  );
  const password = new RegExp(`New password for ${username}: (\\S+)`).exec(stdout)?.[1];
  if (!password) throw new Error(`no password in: ${stdout}`);
  return password;
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe.serial("accounts", () => {
  test("a generated password must be changed at the first sign-in", async ({ adminPage, browser }) => {
    await createUser(adminPage, alice);
    await createProject(adminPage, project);
    await addMember(adminPage, project, alice.username, "developer");
    generated = await resetPasswordCommand(alice.username);

    const page = await (await browser.newContext()).newPage();
    await signIn(page, alice.username, generated);
    await expect(page).toHaveURL(/\/profile\/password$/);
    await expect(page.getByText("Choose your own password to continue")).toBeVisible();
    // Every other page leads back here until the password has changed.
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/profile\/password$/);
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/profile\/password$/);

    // A wrong current password: said next to the field, which is emptied for typing it again; the
    // new passwords stay (they never left this page but for the request).
    await page.getByLabel("Current password").fill("not-the-one");
    await page.getByLabel("New password", { exact: true }).fill(mine);
    await page.getByLabel("New password again").fill(mine);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByLabel("Current password")).toHaveAccessibleDescription(
      "The current password is not correct.",
    );
    await expect(page.getByLabel("Current password")).toHaveValue("");
    await expect(page.getByLabel("Current password")).toBeFocused();
    await expect(page.getByLabel("New password", { exact: true })).toHaveValue(mine);
    await snap(page, "accounts-forced-change-error");

    // New passwords that do not match are both emptied, and the message says so.
    await page.getByLabel("Current password").fill(generated);
    await page.getByLabel("New password again").fill("Something-else-9");
    await page.getByRole("button", { name: "Change password" }).click();
    const newPassword = page.getByLabel("New password", { exact: true });
    await expect(newPassword).toHaveAccessibleDescription(
      "The two new passwords do not match. Both new password fields were cleared: type the new password again in each.",
    );
    await expect(newPassword).toHaveValue("");
    await expect(newPassword).toBeFocused();
    await expect(page.getByLabel("New password again")).toHaveValue("");
    await expect(page.getByLabel("New password again")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Current password")).toHaveValue(generated);
    await snap(page, "accounts-forced-change-mismatch");

    await page.getByLabel("Current password").fill(generated);
    await page.getByLabel("New password", { exact: true }).fill(mine);
    await page.getByLabel("New password again").fill(mine);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/\/profile\?password=changed$/);
    await expect(page.getByText("Your password has been changed.")).toBeVisible();
    await expect(page.getByRole("link", { name: project })).toBeVisible();
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/projects$/);
    await page.context().close();
  });

  test("users change their own password on their profile; sign-out ends the session everywhere", async ({
    page,
    browser,
  }) => {
    await signIn(page, alice.username, mine);
    await expect(page).toHaveURL(/\/projects$/);
    await page.getByRole("link", { name: alice.username }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
    await page.getByLabel("Current password").fill(mine);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByLabel("New password again").fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(
      "Use at least 8 characters.",
    );
    await snap(page, "accounts-profile");
    await page.getByLabel("Current password").fill(mine);
    await page.getByLabel("New password", { exact: true }).fill(later);
    await page.getByLabel("New password again").fill(later);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your password has been changed." })).toBeVisible();
    // The session that changed the password goes on (its cookie was issued again)...
    await page.reload();
    await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
    // ...and a copy of its cookie stops working once it signs out.
    const copied = await page.context().cookies();
    await signOut(page);
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    const stolen = await thief.newPage();
    await stolen.goto(new URL("/projects", page.url()).toString());
    await expect(stolen).toHaveURL(/\/login/);
    await thief.close();
    await signIn(page, alice.username, later);
    await expect(page).toHaveURL(/\/projects$/);
  });

  test("a system admin disables, then deletes a user, confirming in dialogs", async ({ adminPage, browser }) => {
    const page = adminPage;
    await page.goto("/admin/users");
    const row = page.getByRole("row").filter({ hasText: alice.username });
    await openRowMenu(row, alice.username);
    await row.getByRole("button", { name: `Disable ${alice.username}` }).click();
    const disable = page.getByRole("dialog", { name: `Disable ${alice.username}?` });
    await expect(disable).toContainText(`They stay a member of 1 project (${project}), with their roles`);
    await snap(page, "accounts-disable-dialog");
    await disable.getByRole("button", { name: "Disable account" }).click();
    await expect(disable).toBeHidden();
    await expect(row.getByText("Disabled")).toBeVisible();

    const other = await (await browser.newContext()).newPage();
    await signIn(other, alice.username, later);
    await expect(other.getByText("This account is disabled. Ask a system admin to enable it.")).toBeVisible();
    await snap(other, "accounts-disabled-sign-in");
    await other.context().close();

    await openRowMenu(row, alice.username);
    await row.getByRole("button", { name: `Delete ${alice.username}` }).click();
    const del = page.getByRole("dialog", { name: `Delete ${alice.username}?` });
    await expect(del).toContainText(
      `${alice.username} is a member of 1 project (${project}); the memberships are removed.`,
    );
    await snap(page, "accounts-delete-dialog");
    await del.getByRole("button", { name: "Delete user" }).click();
    await expect(page.getByRole("row").filter({ hasText: alice.username })).toHaveCount(0);
    await snap(page, "accounts-users");
    await page.goto(`/projects/${project}/members`);
    await expect(page.getByText(alice.username)).toHaveCount(0);
  });
});
