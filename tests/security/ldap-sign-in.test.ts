// Signing in against a real OpenLDAP server (Debian's slapd, started here on loopback): users bound
// with their own password and onboarded at their first sign-in, the user filter, groups (memberOf)
// turned into project roles and the admin flag, refreshed at each sign-in, ldaps:// with a
// self-signed certificate refused unless verification is off, and the local admin kept working.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

import { Attribute, Change, Client } from "ldapts";
import * as membersRoute from "@/app/api/v2.0/projects/[project_name_or_id]/members/route";
import * as projectRoute from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import { requireProject, requireSystem, roleIn } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor";
import { checkCredentials } from "@/lib/auth/credentials";
import { loginLimiter } from "@/lib/auth/rate-limit";
import { ldapAuthenticate } from "@/lib/auth/sso/ldap";
import { authConfig } from "@/lib/auth/sso/settings";
import { updateAuthSettings, type AuthSettingsInput } from "@/lib/settings/auth-settings";
import { getDb } from "@/lib/db/client";
import { makeProject, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";
import { ROOT_DN, ROOT_PASSWORD, SEARCH_DN, SEARCH_PASSWORD, startSlapd, type LocalSlapd } from "../helpers/slapd";
import { hashPassword } from "@/lib/auth/password";

const ADMIN_PW = "local-admin-password";
let ldap: LocalSlapd;
let dispose: () => Promise<void>;
let adminActor: Extract<Actor, { kind: "user" }>;

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const settings = (input: AuthSettingsInput) => updateAuthSettings(requireSystem(adminActor, "settings.manage"), input);
const actorOf = async (username: string): Promise<Extract<Actor, { kind: "user" }>> => {
  const u = await (await getDb()).user.findUniqueOrThrow({ where: { username } });
  return { kind: "user", userId: u.id, username: u.username, sysadmin: u.sysadmin };
};
/** Directory changes made by the directory's administrator between sign-ins. */
async function asDirectoryAdmin(fn: (c: Client) => Promise<void>) {
  const c = new Client({ url: ldap.url });
  await c.bind(ROOT_DN, ROOT_PASSWORD);
  try {
    await fn(c);
  } finally {
    await c.unbind();
  }
}

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("ldap"));
  const started = Date.now();
  ldap = await startSlapd({
    users: [
      { uid: "alice", password: "alice-pw", mail: "alice@example.org" },
      { uid: "bob", password: "bob-pw", mail: "bob@example.org" },
      { uid: "carol", password: "carol-pw", mail: "carol@contractor.test", ou: "contractors" },
    ],
    groups: [
      { cn: "devs", members: ["alice", "bob", SEARCH_DN] },
      // (a group of names needs a member besides the one a test removes)
      { cn: "harbor-admins", members: ["alice", SEARCH_DN] },
    ],
  });
  // A real server, and still quick: well under two seconds from nothing to a seeded directory.
  expect(Date.now() - started).toBeLessThan(2_000);
  const db = await getDb();
  const admin = await db.user.create({
    data: { username: "admin", passwordHash: await hashPassword(ADMIN_PW), sysadmin: true },
  });
  adminActor = { kind: "user", userId: admin.id, username: "admin", sysadmin: true };
  await settings({
    authMode: "ldap",
    ldapUrl: ldap.url,
    ldapSearchDn: SEARCH_DN,
    ldapSearchPassword: SEARCH_PASSWORD,
    ldapBaseDn: "dc=example,dc=org",
    ldapUid: "uid",
    ldapScope: 2,
    ldapGroupBaseDn: "ou=groups,dc=example,dc=org",
    ldapGroupAdminDn: ldap.groupDn("harbor-admins"),
    ldapGroupMembershipAttribute: "memberOf",
  });
}, 60_000);
afterAll(async () => {
  await ldap?.stop();
  await dispose?.();
});

describe("LDAP sign-in", () => {
  it("binds as the user, onboards them at the first sign-in, and keeps the search password encrypted", async () => {
    const result = await checkCredentials("alice", "alice-pw");
    expect(result).toMatchObject({ ok: true, user: { username: "alice", sysadmin: true } });
    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { username: "alice" }, include: { identity: true } });
    expect(user.email).toBe("alice@example.org");
    expect(user.identity).toMatchObject({ source: "ldap", subject: "uid=alice,ou=people,dc=example,dc=org" });
    // A second sign-in is the same account, not a second one.
    expect(await checkCredentials("alice", "alice-pw")).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await db.user.count({ where: { username: "alice" } })).toBe(1);
    const row = await db.authSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.ldapSearchPasswordEnc).toMatch(/^v1:/);
    expect(row.ldapSearchPasswordEnc).not.toContain(SEARCH_PASSWORD);
  });

  it("refuses a wrong password, an unknown user and an empty password, as one answer", async () => {
    for (const [u, p] of [
      ["bob", "wrong"],
      ["nobody", "bob-pw"],
      ["bob", ""],
      ["*", "bob-pw"],
      ["bob)(uid=*", "bob-pw"],
    ]) {
      loginLimiter.reset(`unknown\n${u.toLowerCase()}`);
      expect(await checkCredentials(u, p), `${u}/${p}`).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await (await getDb()).user.count({ where: { username: "nobody" } })).toBe(0);
  });

  it("the user filter keeps out users it does not match", async () => {
    const config = (await authConfig()).ldap;
    expect((await ldapAuthenticate(config, "carol", "carol-pw")).ok).toBe(true);
    await settings({ ldapFilter: "(mail=*@example.org)" });
    expect(await checkCredentials("carol", "carol-pw")).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials("bob", "bob-pw")).toMatchObject({ ok: true });
    await settings({ ldapFilter: "" });
  });

  it("group members get the group's project role, unioned with their own; the admin group makes system admins", async () => {
    const project = await makeProject();
    const res = await call(membersRoute.POST, `/api/v2.0/projects/${project.name}/members`, {
      params: { project_name_or_id: project.name },
      auth: basic("admin", ADMIN_PW),
      body: { role_id: 2, member_group: { group_type: 1, ldap_group_dn: ldap.groupDn("devs").toUpperCase() } },
    });
    expect(res.status).toBe(201);
    expect((await checkCredentials("bob", "bob-pw")).ok).toBe(true);
    const bob = await actorOf("bob");
    expect(bob.sysadmin).toBe(false);
    expect(await roleIn(bob, project.id)).toBe("developer");
    await expect(requireProject(bob, project.name, "members.read")).resolves.toBeTruthy();
    await expect(requireProject(bob, project.name, "webhook.read")).rejects.toMatchObject({ code: "forbidden" });
    // Over HTTP Basic, with the directory password: the project is Bob's to read.
    const viaApi = await call(projectRoute.GET, `/api/v2.0/projects/${project.name}`, {
      params: { project_name_or_id: project.name },
      auth: basic("bob", "bob-pw"),
    });
    expect(viaApi.status).toBe(200);
    // His own membership as maintainer and the group's developer role: the stronger one wins.
    await (
      await getDb()
    ).projectMember.create({ data: { projectId: project.id, userId: bob.userId, role: "maintainer" } });
    expect(await roleIn(bob, project.id)).toBe("maintainer");
    // The members list shows the group as Harbor does (entity_type g), by the DN first seen.
    const list = await call(membersRoute.GET, `/api/v2.0/projects/${project.name}/members`, {
      params: { project_name_or_id: project.name },
      auth: basic("admin", ADMIN_PW),
    });
    expect(list.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity_type: "g", entity_name: ldap.groupDn("devs"), role_id: 2 }),
      ]),
    );
    // Alice, in harbor-admins, is a system admin.
    expect((await actorOf("alice")).sysadmin).toBe(true);
  });

  it("group membership and the admin flag follow the directory at the next sign-in", async () => {
    const project = await makeProject();
    const db = await getDb();
    const devs = await db.userGroup.findFirstOrThrow({ where: { groupType: 1, key: ldap.groupDn("devs") } });
    await db.projectMember.create({ data: { projectId: project.id, groupId: devs.id, role: "guest" } });
    expect(await checkCredentials("alice", "alice-pw")).toMatchObject({ ok: true, user: { sysadmin: true } });
    await asDirectoryAdmin(async (c) => {
      for (const cn of ["devs", "harbor-admins"])
        await c.modify(
          ldap.groupDn(cn),
          new Change({
            operation: "delete",
            modification: new Attribute({ type: "member", values: [ldap.userDn("alice")] }),
          }),
        );
    });
    expect(await checkCredentials("alice", "alice-pw")).toMatchObject({ ok: true, user: { sysadmin: false } });
    const alice = await actorOf("alice");
    expect(alice.sysadmin).toBe(false);
    expect(await roleIn(alice, project.id)).toBeUndefined();
    await expect(requireProject(alice, project.name, "project.read")).rejects.toMatchObject({ code: "not_found" });
  });

  it("ldaps:// with a self-signed certificate: refused while verified, accepted with verification off", async () => {
    await settings({ ldapUrl: ldap.ldapsUrl, ldapVerifyCert: true });
    const refused = await checkCredentials("bob", "bob-pw");
    expect(refused).toEqual({ ok: false, reason: "unavailable" });
    const viaApi = await call(projectRoute.GET, `/api/v2.0/projects/x`, {
      params: { project_name_or_id: "x" },
      auth: basic("bob", "bob-pw"),
    });
    expect(viaApi.status).toBe(503);
    expect(viaApi.json).toEqual({
      errors: [{ code: "DIRECTORY_UNAVAILABLE", message: "the directory server cannot be reached; try again later" }],
    });
    await settings({ ldapVerifyCert: false });
    expect(await checkCredentials("bob", "bob-pw")).toMatchObject({ ok: true, user: { username: "bob" } });
    await settings({ ldapUrl: ldap.url, ldapVerifyCert: true });
  });

  it("the local admin signs in with its password in LDAP mode; other local accounts do not", async () => {
    expect(await checkCredentials("admin", ADMIN_PW)).toMatchObject({ ok: true, user: { username: "admin" } });
    const db = await getDb();
    const name = `local-${uid()}`;
    await db.user.create({ data: { username: name, passwordHash: await hashPassword("local-password") } });
    expect(await checkCredentials(name, "local-password")).toEqual({ ok: false, reason: "invalid" });
    // …and while such an account exists, the mode stays.
    await expect(settings({ authMode: "db" })).rejects.toMatchObject({ code: "conflict", field: "authMode" });
    await db.user.delete({ where: { username: name } });
    await settings({ authMode: "db" });
    expect((await authConfig()).mode).toBe("db");
    // Back in database mode, directory users have no password here.
    expect(await checkCredentials("bob", "bob-pw")).toEqual({ ok: false, reason: "invalid" });
    await settings({ authMode: "ldap" });
  });

  it("a local account holding the name refuses the directory user instead of taking it over", async () => {
    const db = await getDb();
    await asDirectoryAdmin((c) =>
      c.add(ldap.userDn("dave"), {
        objectClass: "inetOrgPerson",
        uid: "dave",
        cn: "dave",
        sn: "dave",
        userPassword: "dave-pw",
      }),
    );
    await db.user.create({ data: { username: "dave", passwordHash: await hashPassword("local-dave") } });
    expect(await checkCredentials("dave", "dave-pw")).toEqual({ ok: false, reason: "name_taken" });
    await db.user.delete({ where: { username: "dave" } });
  });
});
