// OIDC accounts behind the browser flow (e2e/sso.spec.ts drives that against a real provider):
// what the ID token's claims turn into (onboarding on and off, the onboarding ticket, groups and the
// admin group), the CLI secret as the HTTP Basic password on the Harbor API, settings from the
// environment, and the local admin's password in OIDC mode.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

import * as projectRoute from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import { requireSystem, roleIn } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor";
import { checkCredentials } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { cliSecretOf, regenerateCliSecret } from "@/lib/auth/sso/cli-secret";
import { GROUP_TYPES, ensureGroup } from "@/lib/auth/sso/groups";
import { oidcDirectoryProfile, scopeParam } from "@/lib/auth/sso/oidc";
import { signInDirectoryUser } from "@/lib/auth/sso/onboard";
import { issueOnboardingTicket, readOnboardingTicket, TICKET_TTL_MS } from "@/lib/auth/sso/onboarding-ticket";
import { authConfig } from "@/lib/auth/sso/settings";
import { resetEnvCache } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { authSettingsInputSchema, updateAuthSettings, type AuthSettingsInput } from "@/lib/settings/auth-settings";
import { makeProject, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";

const ADMIN_PW = "local-admin-password";
let dispose: () => Promise<void>;
let adminActor: Extract<Actor, { kind: "user" }>;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const settings = (input: AuthSettingsInput) => updateAuthSettings(requireSystem(adminActor, "settings.manage"), input);

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("oidc"));
  const admin = await (
    await getDb()
  ).user.create({ data: { username: "admin", passwordHash: await hashPassword(ADMIN_PW), sysadmin: true } });
  adminActor = { kind: "user", userId: admin.id, username: "admin", sysadmin: true };
  await settings({
    authMode: "oidc",
    oidcEndpoint: "https://idp.example.test/realms/acme",
    oidcClientId: "harbor",
    oidcClientSecret: "client-secret-value",
    oidcGroupsClaim: "groups",
    oidcAdminGroup: "harbor-admins",
    oidcAutoOnboard: true,
  });
}, 60_000);
afterAll(() => dispose?.());

const claims = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub,
  preferred_username: sub,
  email: `${sub}@example.org`,
  ...extra,
});

describe("OIDC accounts", () => {
  it("auto-onboard creates the account at the first sign-in; the admin group makes a system admin, and leaving it undoes that", async () => {
    const config = (await authConfig()).oidc;
    const sub = `s-${uid()}`;
    const first = await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub, { groups: ["harbor-admins"] }))!, {
      onboard: true,
    });
    expect(first).toMatchObject({ ok: true, created: true, user: { username: sub, sysadmin: true } });
    const again = await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub, { groups: [] }))!, {
      onboard: true,
    });
    expect(again).toMatchObject({ ok: true, created: false, user: { sysadmin: false } });
    const db = await getDb();
    const identity = await db.userIdentity.findFirstOrThrow({ where: { subject: sub } });
    expect(identity.source).toBe("oidc");
  });

  it("without auto-onboard the person chooses a name, carried by an encrypted ticket that expires", async () => {
    const config = (await authConfig()).oidc;
    const profile = oidcDirectoryProfile(config, claims(`t-${uid()}`))!;
    expect(await signInDirectoryUser(profile, { onboard: false })).toEqual({ ok: false, reason: "not_onboarded" });
    const ticket = issueOnboardingTicket(profile);
    expect(ticket).not.toContain(profile.subject);
    expect(readOnboardingTicket(ticket)).toEqual(profile);
    expect(readOnboardingTicket(ticket, Date.now() + TICKET_TTL_MS + 1)).toBeNull();
    // A changed ticket is not one: the encryption authenticates it.
    const forged = Buffer.from(ticket, "base64url");
    forged[forged.length - 3] ^= 1;
    expect(readOnboardingTicket(forged.toString("base64url"))).toBeNull();
    expect(readOnboardingTicket("not-a-ticket")).toBeNull();
    // A name someone else holds is refused; a free one creates the account.
    expect(await signInDirectoryUser(profile, { onboard: false, chosenName: "admin" })).toEqual({
      ok: false,
      reason: "name_taken",
    });
    const chosen = `chosen-${uid()}`;
    expect(await signInDirectoryUser(profile, { onboard: false, chosenName: chosen })).toMatchObject({
      ok: true,
      user: { username: chosen },
    });
    expect(await signInDirectoryUser(profile, { onboard: false })).toMatchObject({
      ok: true,
      user: { username: chosen },
    });
  });

  it("an OIDC group member of a project gives its members that role, refreshed at each sign-in", async () => {
    const config = (await authConfig()).oidc;
    const project = await makeProject();
    const db = await getDb();
    const group = await db.$transaction((tx) => ensureGroup(tx, GROUP_TYPES.oidc, "team-blue"));
    await db.projectMember.create({ data: { projectId: project.id, groupId: group.id, role: "maintainer" } });
    const sub = `g-${uid()}`;
    const signedIn = await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub, { groups: ["team-blue"] }))!, {
      onboard: true,
    });
    if (!signedIn.ok) throw new Error("sign-in failed");
    const actor: Actor = { kind: "user", userId: signedIn.user.id, username: sub, sysadmin: false };
    expect(await roleIn(actor, project.id)).toBe("maintainer");
    // An LDAP group of the same name is another group.
    const ldapTwin = await db.$transaction((tx) => ensureGroup(tx, GROUP_TYPES.ldap, "team-blue"));
    expect(ldapTwin.id).not.toBe(group.id);
    await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub, { groups: ["team-red"] }))!, { onboard: true });
    expect(await roleIn(actor, project.id)).toBeUndefined();
  });

  it("a sign-in that changes nothing writes nothing (HTTP Basic signs in on every request)", async () => {
    const config = (await authConfig()).oidc;
    const sub = `w-${uid()}`;
    const profile = oidcDirectoryProfile(config, claims(sub, { groups: ["g1", "g2"] }))!;
    const first = await signInDirectoryUser(profile, { onboard: true });
    if (!first.ok) throw new Error("sign-in failed");
    const db = await getDb();
    const before = await db.user.findUniqueOrThrow({ where: { id: first.user.id }, include: { groups: true } });
    const groupsBefore = await db.userGroup.count();
    await signInDirectoryUser(profile, { onboard: true });
    const after = await db.user.findUniqueOrThrow({ where: { id: first.user.id }, include: { groups: true } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.groups).toEqual(before.groups);
    expect(await db.userGroup.count()).toBe(groupsBefore);
  });

  it("a disabled account is refused at its next sign-in", async () => {
    const config = (await authConfig()).oidc;
    const sub = `d-${uid()}`;
    const first = await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub))!, { onboard: true });
    if (!first.ok) throw new Error("sign-in failed");
    await (await getDb()).user.update({ where: { id: first.user.id }, data: { disabledAt: new Date() } });
    expect(await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub))!, { onboard: true })).toEqual({
      ok: false,
      reason: "disabled",
    });
  });

  it("the CLI secret is the Basic password on the Harbor API; a new one ends the old at once", async () => {
    const config = (await authConfig()).oidc;
    const sub = `c-${uid()}`;
    const signedIn = await signInDirectoryUser(oidcDirectoryProfile(config, claims(sub))!, { onboard: true });
    if (!signedIn.ok) throw new Error("sign-in failed");
    const project = await makeProject({ [signedIn.user.id]: "guest" });
    const get = (password: string) =>
      call(projectRoute.GET, `/api/v2.0/projects/${project.name}`, {
        params: { project_name_or_id: project.name },
        auth: basic(sub, password),
      });
    const secret = (await cliSecretOf(signedIn.user.id))!;
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await get(secret)).status).toBe(200);
    const stored = await (await getDb()).userIdentity.findUniqueOrThrow({ where: { userId: signedIn.user.id } });
    expect(stored.cliSecretEnc).not.toContain(secret);
    const renewed = await regenerateCliSecret(signedIn.user.id);
    expect((await get(secret)).status).toBe(401);
    expect((await get(renewed)).status).toBe(200);
    // The secret is for the API only: the sign-in form does not take it.
    expect(await checkCredentials(sub, renewed)).toEqual({ ok: false, reason: "invalid" });
    // Local users have none.
    await expect(regenerateCliSecret(adminActor.userId)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("in OIDC mode the local admin signs in with its password; no other local account does", async () => {
    expect(await checkCredentials("admin", ADMIN_PW)).toMatchObject({ ok: true });
    const name = `local-${uid()}`;
    await (await getDb()).user.create({ data: { username: name, passwordHash: await hashPassword("local-pw-123") } });
    expect(await checkCredentials(name, "local-pw-123", undefined, { cliSecret: true })).toEqual({
      ok: false,
      reason: "invalid",
    });
    await (await getDb()).user.delete({ where: { username: name } });
  });

  it("environment variables override the settings page, which then refuses to change those fields", async () => {
    const saved = { ...process.env };
    try {
      process.env.OIDC_CLIENT_ID = "from-env";
      process.env.OIDC_AUTO_ONBOARD = "0";
      resetEnvCache();
      const config = await authConfig();
      expect(config.oidc.clientId).toBe("from-env");
      expect(config.oidc.autoOnboard).toBe(false);
      expect(config.fromEnv).toEqual(expect.arrayContaining(["oidcClientId", "oidcAutoOnboard"]));
      await expect(settings({ oidcClientId: "typed" })).rejects.toMatchObject({
        code: "validation_error",
        field: "oidcClientId",
      });
    } finally {
      process.env = saved;
      resetEnvCache();
    }
    expect((await authConfig()).oidc.clientId).toBe("harbor");
  });

  it("bad settings are refused with the field named; the client secret is stored encrypted", async () => {
    const parsed = authSettingsInputSchema.safeParse({
      oidcEndpoint: "ftp://idp.example.test",
      ldapUrl: "http://ldap.example.test",
      ldapUid: "uid)(x",
      ldapFilter: "(a=b",
      authMode: "kerberos",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0]).sort()).toEqual([
      "authMode",
      "ldapFilter",
      "ldapUid",
      "ldapUrl",
      "oidcEndpoint",
    ]);
    const row = await (await getDb()).authSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.oidcClientSecretEnc).toMatch(/^v1:/);
    expect((await authConfig()).oidc.clientSecret).toBe("client-secret-value");
    expect(scopeParam("profile,email , groups")).toBe("openid profile email groups");
  });
});
