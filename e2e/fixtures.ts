// Shared e2e helpers and fixtures. Data is created through the UI for now; when the REST API lands,
// createUser / createProject / addMember can switch to it here without touching the tests.
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USERNAME, E2E_BASE_URL } from "./env";

export { expect };
export { ADMIN_PASSWORD, ADMIN_USERNAME };

/** A name no other test (or earlier run against the same server) uses: lower case, Harbor-valid. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A full-page PNG in e2e/screenshots/<name>.png, for reviewers to look at every page. */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = path.join(base.info().project.testDir, "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Opens a table row's action menu ("Actions for <name>") unless it is open: its actions are inside. */
export async function openRowMenu(row: Locator, name: string): Promise<void> {
  const open = await row.locator("[popover]").evaluate((p) => p.matches(":popover-open"));
  if (!open) await row.getByRole("button", { name: `Actions for ${name}` }).click();
}

/** Signs in through the sign-in form and waits for the projects page. */
export async function loginAs(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText(username);
}

/** Signs out with the header button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

/**
 * Signs in without the UI (next-auth's credentials callback); the session cookie lands in the
 * request context — `page.request` shares cookies with its browser context.
 */
export async function signInViaApi(request: APIRequestContext, username: string, password: string): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.ok(), `GET /api/auth/csrf answered ${csrf.status()}`).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password, callbackUrl: `${E2E_BASE_URL}/projects`, json: "true" },
    maxRedirects: 0,
  });
  const session = await request.get("/api/auth/session");
  const body = (await session.json()) as { user?: { name?: string } };
  if (body.user?.name !== username)
    throw new Error(`sign-in as ${username} failed (callback answered ${res.status()})`);
}

export type NewUser = { username: string; password: string; email?: string; sysadmin?: boolean };

/** Creates a user on /admin/users; `page` must be signed in as a system admin. */
export async function createUser(page: Page, user: NewUser): Promise<void> {
  await page.goto("/admin/users");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create user" }) });
  await form.getByLabel("User name").fill(user.username);
  if (user.email) await form.getByLabel("E-mail (optional)").fill(user.email);
  await form.getByLabel("Password", { exact: true }).fill(user.password);
  if (user.sysadmin) await form.getByLabel("System admin").check();
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText(`User ${user.username} created.`);
}

/** Creates a project with the form on /projects; `page` must be signed in as a system admin. */
export async function createProject(page: Page, name: string, opts: { public?: boolean } = {}): Promise<void> {
  await page.goto("/projects");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create project" }) });
  await form.getByLabel("Project name").fill(name);
  if (opts.public) await form.getByLabel(/^Public/).check();
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByRole("status")).toHaveText(`Project ${name} created.`);
}

/** Flips the global "Webhooks enabled" switch on the settings page (turning it off is confirmed first). */
export async function setWebhooksEnabled(page: Page, on: boolean) {
  await page.goto("/admin/settings");
  const form = page.getByRole("form", { name: "System settings" });
  const wasOn = await form.getByLabel("Webhooks enabled").isChecked();
  await form.getByLabel("Webhooks enabled").setChecked(on);
  await form.getByRole("button", { name: "Save settings" }).click();
  // Turning the switch off is confirmed first.
  if (wasOn && !on)
    await page
      .getByRole("dialog", { name: "Turn webhooks off for all projects?" })
      .getByRole("button", { name: "Turn webhooks off" })
      .click();
  await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
}

export const ROLE_LABELS = {
  projectAdmin: "Project admin",
  maintainer: "Maintainer",
  developer: "Developer",
  guest: "Guest",
} as const;
export type Role = keyof typeof ROLE_LABELS;

/** Adds a user to a project on its Members tab; `page` must be signed in as a project or system admin. */
export async function addMember(page: Page, project: string, username: string, role: Role): Promise<void> {
  await page.goto(`/projects/${project}/members`);
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Add member" }) });
  await form.getByLabel("User name").fill(username);
  await form.getByLabel("Role").selectOption({ label: ROLE_LABELS[role] });
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(form.getByRole("status")).toHaveText("Member added.");
}

type Fixtures = {
  /** A page already signed in as the system admin (through the API, not the form). */
  adminPage: Page;
  /** An API client authenticating every request as the system admin with HTTP Basic auth. */
  adminRequest: APIRequestContext;
};

export const test = base.extend<Fixtures>({
  adminPage: async ({ page }, use) => {
    await signInViaApi(page.request, ADMIN_USERNAME, ADMIN_PASSWORD);
    await use(page);
  },
  adminRequest: async ({ playwright }, use) => {
    const ctx = await playwright.request.newContext({
      baseURL: E2E_BASE_URL,
      httpCredentials: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD, send: "always" },
    });
    await use(ctx);
    await ctx.dispose();
  },
});
