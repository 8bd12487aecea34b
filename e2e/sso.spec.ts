// Signing in with the company's directory, for real: an OpenID provider (oidc-provider) and an
// OpenLDAP server (slapd) started here on loopback, and a Harbor Notifier of its own (fresh
// database, only the local admin: the authentication mode can change only then), whose OIDC and
// LDAP connections come from environment variables as in an unattended deployment. The admin
// switches modes on the settings page; people sign in through the browser.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type Browser, type Page } from "@playwright/test";
import { ADMIN_PASSWORD, E2E_PORT } from "./env";
import { expect, snap, test } from "./fixtures";
import { startOidcProvider, type LocalOidcProvider } from "../tests/helpers/oidc-provider";
import { SEARCH_DN, SEARCH_PASSWORD, startSlapd, type LocalSlapd } from "../tests/helpers/slapd";

const SSO_PORT = E2E_PORT + 100;
const SSO_BASE = `http://127.0.0.1:${SSO_PORT}`;
const SSO_DATA_DIR = path.join("data", "e2e-sso");
const IDP_NAME = "Test IdP";

let idp: LocalOidcProvider;
let ldap: LocalSlapd;
let server: ChildProcess;

test.describe.configure({ mode: "serial" });

async function waitForServer(deadline: number) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the SSO server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${SSO_BASE}/login`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the SSO server did not start in time");
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  idp = await startOidcProvider({
    accounts: {
      alice: { preferred_username: "alice", email: "alice@example.org", groups: ["harbor-devs"] },
      carol: { preferred_username: "carol", email: "carol@example.org", groups: ["harbor-admins"] },
      bob: { preferred_username: "bob", email: "bob@example.org", groups: [] },
    },
    redirectUris: [`${SSO_BASE}/api/auth/callback/oidc`],
    postLogoutRedirectUris: [`${SSO_BASE}/login`],
  });
  ldap = await startSlapd({
    users: [
      { uid: "dora", password: "dora-pw", mail: "dora@example.org" },
      { uid: "emil", password: "emil-pw", mail: "emil@example.org" },
    ],
    groups: [
      { cn: "registry-admins", members: ["dora", SEARCH_DN] },
      { cn: "readers", members: ["emil", SEARCH_DN] },
    ],
  });
  fs.rmSync(SSO_DATA_DIR, { recursive: true, force: true });
  fs.mkdirSync("test-results", { recursive: true });
  server = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env,
      PORT: String(SSO_PORT),
      DATA_DIR: SSO_DATA_DIR,
      DATABASE_URL: "",
      ENCRYPTION_KEY: "",
      NEXTAUTH_SECRET: "",
      ADMIN_PASSWORD,
      EXTERNAL_URL: SSO_BASE,
      NEXTAUTH_URL: SSO_BASE,
      HARBOR_NO_WORKER: "1",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
      OIDC_NAME: IDP_NAME,
      OIDC_ENDPOINT: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_SCOPE: "openid,profile,email,groups",
      OIDC_GROUPS_CLAIM: "groups",
      OIDC_ADMIN_GROUP: "harbor-admins",
      OIDC_LOGOUT: "1",
      LDAP_URL: ldap.url,
      LDAP_SEARCH_DN: SEARCH_DN,
      LDAP_SEARCH_PASSWORD: SEARCH_PASSWORD,
      LDAP_BASE_DN: "dc=example,dc=org",
      LDAP_GROUP_BASE_DN: "ou=groups,dc=example,dc=org",
      LDAP_GROUP_ADMIN_DN: ldap.groupDn("registry-admins"),
    },
    // The server's log, for a failing run: test-results/sso-server.log
    stdio: ["ignore", fs.openSync(path.join("test-results", "sso-server.log"), "w"), "inherit"],
    detached: true,
  });
  await waitForServer(Date.now() + 120_000);
});

test.afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await idp?.stop();
  await ldap?.stop();
});

/** A browser context of its own on the SSO server (its cookies, its provider session). */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: SSO_BASE });
  return context.newPage();
}

async function signInAsLocalAdmin(page: Page) {
  await page.goto("/login");
  const summary = page.getByText("Sign in as the local admin");
  if (await summary.isVisible()) await summary.click();
  await page.getByLabel(/^(Username|Directory user name)$/).fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: /^Sign in( as local admin)?$/ }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

async function saveAuthSettings(page: Page, change: (form: ReturnType<Page["getByRole"]>) => Promise<void>) {
  await page.goto("/admin/settings");
  const form = page.getByRole("form", { name: "Authentication settings" });
  await change(form);
  await form.getByRole("button", { name: "Save authentication settings" }).click();
  await expect(form.getByRole("status")).toHaveText("Authentication settings saved.");
  return form;
}

/** The provider's own login form (oidc-provider's development interaction: any password). */
async function signInAtProvider(page: Page, login: string) {
  await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

test("the sign-in page in database mode, and the admin switches to OIDC on the settings page", async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto("/login");
  await expect(page.getByLabel("Username")).toBeVisible();
  await snap(page, "sso-sign-in-database");
  await signInAsLocalAdmin(page);
  const form = await saveAuthSettings(page, async (f) => {
    await f.getByRole("radio", { name: /^OIDC/ }).check();
    await expect(f.getByLabel("OIDC endpoint (issuer)")).toHaveValue(idp.issuer);
    // Fields an environment variable sets are read-only here.
    await expect(f.getByLabel("OIDC endpoint (issuer)")).toBeDisabled();
    await f.getByLabel("Automatic onboarding").check();
  });
  await expect(form.getByLabel("Client secret")).toHaveValue("");
  await snap(page, "sso-settings-oidc");
  await page.context().close();

  const anonymous = await freshPage(browser);
  await anonymous.goto("/login");
  await expect(anonymous.getByRole("button", { name: `Sign in with ${IDP_NAME}` })).toBeVisible();
  await snap(anonymous, "sso-sign-in-oidc");
  await anonymous.context().close();
});

test("OIDC with auto-onboard: the first sign-in creates the account, its group gives a project role, the admin group a system admin", async ({
  browser,
}) => {
  const api = await playwrightRequest.newContext({
    baseURL: SSO_BASE,
    extraHTTPHeaders: { authorization: basic("admin", ADMIN_PASSWORD) },
  });
  expect(
    (
      await api.post("/api/v2.0/projects", { data: { project_name: "sso-team", metadata: { public: "false" } } })
    ).status(),
  ).toBe(201);
  const added = await api.post("/api/v2.0/projects/sso-team/members", {
    data: { role_id: 4, member_group: { group_type: 3, group_name: "harbor-devs" } },
  });
  expect(added.status()).toBe(201);

  const page = await freshPage(browser);
  await page.goto("/login");
  await signInAtProvider(page, "alice");
  await expect(page).toHaveURL(`${SSO_BASE}/projects`);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toContainText("alice");
  await expect(nav.getByRole("link", { name: "System settings" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "sso-team" })).toBeVisible();
  // The group's role (maintainer) reads the project's webhooks.
  await page.goto("/projects/sso-team/members");
  await expect(page.getByText("OIDC group")).toBeVisible();
  await snap(page, "sso-members-with-group");
  await page.context().close();

  const admin = await freshPage(browser);
  await admin.goto("/login");
  await signInAtProvider(admin, "carol");
  await expect(admin).toHaveURL(`${SSO_BASE}/projects`);
  await expect(
    admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "System settings" }),
  ).toBeVisible();
  await admin.context().close();
  await api.dispose();
});

test("the CLI secret is the Basic password on the Harbor API, and stops working when regenerated; sign-out ends the provider's session too", async ({
  browser,
}) => {
  const page = await freshPage(browser);
  await page.goto("/login");
  await signInAtProvider(page, "alice");
  await expect(page).toHaveURL(`${SSO_BASE}/projects`);
  await page.goto("/profile");
  await page.getByRole("button", { name: "Show" }).click();
  const secret = (await page.locator("#cli-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
  await snap(page, "sso-profile-cli-secret");

  const asAlice = (password: string) =>
    fetch(`${SSO_BASE}/api/v2.0/projects/sso-team`, { headers: { authorization: basic("alice", password) } });
  expect((await asAlice(secret)).status).toBe(200);
  await page.getByRole("button", { name: "Generate a new CLI secret" }).click();
  await expect(page.getByText("A new CLI secret was generated")).toBeVisible();
  const renewed = (await page.locator("#cli-secret").textContent())!.trim();
  expect(renewed).not.toBe(secret);
  expect((await asAlice(secret)).status).toBe(401);
  expect((await asAlice(renewed)).status).toBe(200);

  // Sign out: here, then at the provider (its confirmation), and back to the sign-in page.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.getByRole("button", { name: /sign me out/i }).click();
  await expect(page).toHaveURL(/\/login/);
  // The provider's session is over: signing in asks for the login again.
  await signInAtProviderButtonOnly(page);
  await expect(page.locator('input[name="login"]')).toBeVisible();
  await page.context().close();
});

async function signInAtProviderButtonOnly(page: Page) {
  await page.goto(`${SSO_BASE}/login`);
  await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
}

test("OIDC without auto-onboard: the first sign-in asks for a user name", async ({ browser }) => {
  const admin = await freshPage(browser);
  await signInAsLocalAdmin(admin);
  await saveAuthSettings(admin, (f) => f.getByLabel("Automatic onboarding").uncheck());
  await admin.context().close();

  const page = await freshPage(browser);
  await page.goto("/login");
  await signInAtProvider(page, "bob");
  await expect(page).toHaveURL(/\/login\/onboard\?ticket=/);
  await expect(page.getByLabel("User name")).toHaveValue("bob");
  await snap(page, "sso-onboarding");
  await page.getByLabel("User name").fill("bob-chosen");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(`${SSO_BASE}/projects`);
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText("bob-chosen");
  await page.context().close();
});

test("ID tokens with a wrong issuer, a wrong audience or past their expiry are refused", async ({ browser }) => {
  const page = await freshPage(browser);
  for (const spoiled of ["wrong-issuer", "wrong-audience", "expired"] as const) {
    idp.tamper(spoiled);
    await page.goto("/login");
    if (spoiled === "wrong-issuer") await signInAtProvider(page, "alice");
    else await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
    await expect(page, spoiled).toHaveURL(/\/login\?.*error=OAuthCallback/);
    await expect(page.locator("#login-error")).toContainText("The identity provider's answer was refused");
    const session = await page.request.get("/api/auth/session");
    expect(await session.json(), spoiled).toEqual({});
  }
  await snap(page, "sso-sign-in-refused-token");
  idp.tamper("none");
  await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
  await expect(page).toHaveURL(`${SSO_BASE}/projects`);
  await page.context().close();
});

test("LDAP mode: directory users sign in with their directory password, an LDAP group gives a project role; the local admin still signs in", async ({
  browser,
}) => {
  const admin = await freshPage(browser);
  await signInAsLocalAdmin(admin);
  await saveAuthSettings(admin, (f) => f.getByRole("radio", { name: /^LDAP/ }).check());
  await expect(admin.getByLabel("LDAP URL")).toHaveValue(ldap.url);
  await snap(admin, "sso-settings-ldap");
  // A project whose guests are the directory's "readers" group, given on the Members tab.
  await admin.goto("/projects");
  const create = admin.locator("form").filter({ has: admin.getByRole("button", { name: "Create project" }) });
  await create.getByLabel("Project name").fill("ldap-team");
  await create.getByRole("button", { name: "Create project" }).click();
  await expect(create.getByRole("status")).toHaveText("Project ldap-team created.");
  await admin.goto("/projects/ldap-team/members");
  const addGroup = admin.getByRole("form", { name: "Add a group" });
  await expect(addGroup.getByLabel("Group type")).toHaveValue("1");
  await addGroup.getByLabel("Group DN").fill(ldap.groupDn("readers"));
  await addGroup.getByLabel("Role").selectOption({ label: "Guest" });
  await addGroup.getByRole("button", { name: "Add group" }).click();
  await expect(addGroup.getByRole("status")).toHaveText("Group added.");
  await expect(admin.getByRole("table").getByText("LDAP group")).toBeVisible();
  await snap(admin, "sso-members-add-ldap-group");
  await admin.context().close();

  const page = await freshPage(browser);
  await page.goto("/login");
  await expect(page.getByText("Use your directory (LDAP) account.")).toBeVisible();
  await snap(page, "sso-sign-in-ldap");
  await page.getByLabel("Directory user name").fill("dora");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toHaveText("Wrong user name or password.");
  await page.getByLabel("Password").fill("dora-pw");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${SSO_BASE}/projects`);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toContainText("dora");
  // dora is in the admin group DN: a system admin.
  await expect(nav.getByRole("link", { name: "System settings" })).toBeVisible();
  await page.context().close();

  // Emil, in "readers" only: a guest of ldap-team, not a system admin.
  const reader = await freshPage(browser);
  await reader.goto("/login");
  await reader.getByLabel("Directory user name").fill("emil");
  await reader.getByLabel("Password").fill("emil-pw");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader).toHaveURL(`${SSO_BASE}/projects`);
  await expect(reader.getByRole("link", { name: "ldap-team" })).toBeVisible();
  await expect(
    reader.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "System settings" }),
  ).toHaveCount(0);
  await reader.context().close();

  const local = await freshPage(browser);
  await signInAsLocalAdmin(local);
  // The users list says who signs in through which directory.
  await local.goto("/admin/users");
  const doraRow = local.getByRole("row").filter({ hasText: "dora" });
  await expect(doraRow).toContainText("LDAP account");
  await expect(local.getByRole("row").filter({ hasText: "alice" })).toContainText("OIDC account");
  await snap(local, "sso-users");
  await local.context().close();
});
