// Accounts through Harbor's API and the services behind it: own password change, admin reset,
// system admin flag, disable, delete, and the rule that one enabled system admin always remains.
// On a database of this file's own, so "the last system admin" is a fact this file controls.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as password from "@/app/api/v2.0/users/[user_id]/password/route";
import * as sysadmin from "@/app/api/v2.0/users/[user_id]/sysadmin/route";
import * as user from "@/app/api/v2.0/users/[user_id]/route";
import * as projects from "@/app/api/v2.0/projects/route";
import { requireSystem } from "@/lib/auth/access";
import { checkCredentials } from "@/lib/auth/credentials";
import { getDb } from "@/lib/db/client";
import { changeOwnPassword, deleteUser, setSysadmin, setUserDisabled } from "@/lib/users/service";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectHarborError } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const PW = "password-123";
const basic = (username: string, pw = PW) => `Basic ${Buffer.from(`${username}:${pw}`).toString("base64")}`;
type Made = Awaited<ReturnType<typeof makeUser>>;

let dispose: () => Promise<void>;
let admin: Made;
beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("accounts"));
  admin = await makeUser({ sysadmin: true, password: PW });
}, 120_000);
afterAll(() => dispose?.());

const put = (handler: typeof password.PUT, id: number, auth: string | undefined, body: unknown) =>
  call(handler, `/api/v2.0/users/${id}/x`, { method: "PUT", params: { user_id: String(id) }, auth, body });
const row = async (id: number) => (await getDb()).user.findUniqueOrThrow({ where: { id } });
const canSignIn = async (username: string, pw: string) => (await checkCredentials(username, pw)).ok;

describe("PUT /users/{id}/password: your own", () => {
  it("with the right old_password: 200, empty; the new password works, the old one does not", async () => {
    const u = await makeUser({ password: PW });
    await (await getDb()).user.update({ where: { id: u.user.id }, data: { mustChangePassword: true } });
    const r = await put(password.PUT, u.user.id, basic(u.user.username), {
      old_password: PW,
      new_password: "New-passw0rd",
    });
    expect([r.status, r.text]).toEqual([200, ""]);
    expect(await canSignIn(u.user.username, "New-passw0rd")).toBe(true);
    expect(await canSignIn(u.user.username, PW)).toBe(false);
    const after = await row(u.user.id);
    expect(after.mustChangePassword).toBe(false);
    expect(after.passwordChangedAt).toBeInstanceOf(Date);
    const audit = await (
      await getDb()
    ).auditLog.findFirst({ where: { action: "user.change_password", objectId: String(u.user.id) } });
    expect(audit?.actor).toBe(u.user.username);
  });

  it.each<[string, Record<string, unknown>, number, string, string]>([
    [
      "no old_password",
      { new_password: "New-passw0rd" },
      400,
      "BAD_REQUEST",
      "old_password: is required to change your own password",
    ],
    [
      "a wrong old_password",
      { old_password: "wrong-one!", new_password: "New-passw0rd" },
      403,
      "FORBIDDEN",
      "The current password is not correct.",
    ],
    [
      "a short new_password",
      { old_password: PW, new_password: "short" },
      400,
      "BAD_REQUEST",
      "new_password: Use at least 8 characters.",
    ],
    [
      "a long new_password",
      { old_password: PW, new_password: "x".repeat(257) },
      400,
      "BAD_REQUEST",
      "new_password: Use at most 256 characters.",
    ],
    ["no new_password", { old_password: PW }, 400, "BAD_REQUEST", "new_password: Enter a password."],
    [
      "the same password again",
      { old_password: PW, new_password: PW },
      400,
      "BAD_REQUEST",
      "Choose a new password that differs from the current one.",
    ],
  ])("refuses %s", async (_what, body, status, code, message) => {
    const u = await makeUser({ password: PW });
    expectHarborError(await put(password.PUT, u.user.id, basic(u.user.username), body), status, code, message);
    expect(await canSignIn(u.user.username, PW)).toBe(true);
  });
});

describe("PUT /users/{id}/password: someone else's", () => {
  it("a system admin sets it without the old one; that user must change it at the next sign-in", async () => {
    const u = await makeUser({ password: PW });
    const r = await put(password.PUT, u.user.id, basic(admin.user.username), { new_password: "Reset-passw0rd" });
    expect([r.status, r.text]).toEqual([200, ""]);
    expect(await canSignIn(u.user.username, "Reset-passw0rd")).toBe(true);
    expect((await row(u.user.id)).mustChangePassword).toBe(true);
  });

  it("anyone else gets 403 before the body is read; an API key too", async () => {
    const u = await makeUser({ password: PW });
    const other = await makeUser({ password: PW });
    const key = await makeApiKey((await makeProject({ [other.user.id]: "projectAdmin" })).id, "live");
    for (const auth of [basic(other.user.username), `Bearer ${key.key}`]) {
      expectHarborError(
        await put(password.PUT, u.user.id, auth, { new_password: "x" }),
        403,
        "FORBIDDEN",
        "Only system admins can manage users.",
      );
    }
    expect(await canSignIn(u.user.username, PW)).toBe(true);
  });

  it("401 without credentials, 404 for a user that does not exist or an id that is not one", async () => {
    expectHarborError(await put(password.PUT, 1, undefined, { new_password: "Reset-passw0rd" }), 401, "UNAUTHORIZED");
    expectHarborError(
      await put(password.PUT, 2_000_000_000, basic(admin.user.username), { new_password: "Reset-passw0rd" }),
      404,
      "NOT_FOUND",
      "user not found",
    );
    const r = await call(password.PUT, "/x", {
      method: "PUT",
      params: { user_id: "abc" },
      auth: basic(admin.user.username),
      body: { new_password: "Reset-passw0rd" },
    });
    expectHarborError(r, 404, "NOT_FOUND", "user not found");
  });
});

describe("PUT /users/{id}/sysadmin", () => {
  it("grants and revokes; GET shows the flag", async () => {
    const u = await makeUser({ password: PW });
    const flag = async () =>
      (
        (await call(user.GET, "/x", { params: { user_id: String(u.user.id) }, auth: basic(admin.user.username) }))
          .json as { sysadmin_flag: boolean }
      ).sysadmin_flag;
    expect((await put(sysadmin.PUT, u.user.id, basic(admin.user.username), { sysadmin_flag: true })).status).toBe(200);
    expect(await flag()).toBe(true);
    expect((await put(sysadmin.PUT, u.user.id, basic(admin.user.username), { sysadmin_flag: false })).status).toBe(200);
    expect(await flag()).toBe(false);
  });

  it("refuses a bad body, a non-admin, an unknown user", async () => {
    const u = await makeUser({ password: PW });
    expectHarborError(
      await put(sysadmin.PUT, u.user.id, basic(admin.user.username), { sysadmin_flag: "yes" }),
      400,
      "BAD_REQUEST",
      "sysadmin_flag: Use true or false.",
    );
    expectHarborError(
      await put(sysadmin.PUT, u.user.id, basic(u.user.username), { sysadmin_flag: true }),
      403,
      "FORBIDDEN",
      "Only system admins can manage users.",
    );
    expectHarborError(
      await put(sysadmin.PUT, 2_000_000_000, basic(admin.user.username), { sysadmin_flag: true }),
      404,
      "NOT_FOUND",
      "user not found",
    );
  });
});

describe("DELETE /users/{id}", () => {
  it("deletes the user and their memberships (the project stays)", async () => {
    const u = await makeUser({ password: PW });
    const p1 = await makeProject({ [u.user.id]: "developer" });
    const p2 = await makeProject({ [u.user.id]: "guest" });
    const r = await call(user.DELETE, "/x", {
      method: "DELETE",
      params: { user_id: String(u.user.id) },
      auth: basic(admin.user.username),
    });
    expect([r.status, r.text]).toEqual([200, ""]);
    const db = await getDb();
    expect(await db.user.findUnique({ where: { id: u.user.id } })).toBeNull();
    expect(await db.projectMember.count({ where: { userId: u.user.id } })).toBe(0);
    expect(await db.project.count({ where: { id: { in: [p1.id, p2.id] } } })).toBe(2);
    const audit = await db.auditLog.findFirst({ where: { action: "user.delete", objectId: String(u.user.id) } });
    expect(audit?.detail).toBe(`${u.user.username} (removed from 2 projects)`);
  });

  it("refuses yourself (403), a non-admin (403), an unknown user (404)", async () => {
    const del = (id: number, auth: string) =>
      call(user.DELETE, "/x", { method: "DELETE", params: { user_id: String(id) }, auth });
    expectHarborError(
      await del(admin.user.id, basic(admin.user.username)),
      403,
      "FORBIDDEN",
      "You cannot delete your own account; another system admin can.",
    );
    const u = await makeUser({ password: PW });
    expectHarborError(
      await del(admin.user.id, basic(u.user.username)),
      403,
      "FORBIDDEN",
      "Only system admins can manage users.",
    );
    expectHarborError(await del(2_000_000_000, basic(admin.user.username)), 404, "NOT_FOUND", "user not found");
  });
});

describe("disabled users", () => {
  it("cannot use HTTP Basic (a clean 401 once the password is right) and are enabled again", async () => {
    const u = await makeUser({ password: PW });
    const system = requireSystem(admin.actor, "users.manage");
    await setUserDisabled(system, u.user.id, true);
    const list = () => call(projects.GET, "/api/v2.0/projects", { params: {}, auth: basic(u.user.username) });
    expectHarborError(await list(), 401, "UNAUTHORIZED", "this account is disabled; ask a system admin to enable it");
    // A wrong password learns nothing about the account.
    expectHarborError(
      await call(projects.GET, "/api/v2.0/projects", { params: {}, auth: basic(u.user.username, "wrong-pass") }),
      401,
      "UNAUTHORIZED",
      "invalid user name or password",
    );
    expect(await checkCredentials(u.user.username, PW)).toEqual({ ok: false, reason: "disabled" });
    await setUserDisabled(system, u.user.id, false);
    expect((await list()).status).toBe(200);
  });

  it("you cannot disable yourself", async () => {
    await expect(
      setUserDisabled(requireSystem(admin.actor, "users.manage"), admin.user.id, true),
    ).rejects.toMatchObject({
      code: "forbidden",
      message: "You cannot disable your own account; another system admin can.",
    });
  });
});

describe("one enabled system admin always remains", () => {
  it("the last one cannot be demoted, and a second admin makes it possible", async () => {
    const db = await getDb();
    // This database's other admins are made ordinary users: `admin` is the last one.
    await db.user.updateMany({ where: { id: { not: admin.user.id } }, data: { sysadmin: false } });
    expectHarborError(
      await put(sysadmin.PUT, admin.user.id, basic(admin.user.username), { sysadmin_flag: false }),
      409,
      "CONFLICT",
      `${admin.user.username} is the last system admin. Make another user a system admin first.`,
    );
    expect((await row(admin.user.id)).sysadmin).toBe(true);

    const second = await makeUser({ sysadmin: true, password: PW });
    const bySecond = requireSystem(second.actor, "users.manage");
    // A disabled admin does not count.
    await db.user.update({ where: { id: second.user.id }, data: { disabledAt: new Date() } });
    await expect(setSysadmin(requireSystem(admin.actor, "users.manage"), admin.user.id, false)).rejects.toMatchObject({
      code: "conflict",
    });
    await db.user.update({ where: { id: second.user.id }, data: { disabledAt: null } });
    // Now `admin` may step down; then `second` is the last one and cannot be deleted or disabled
    // (only by someone else, and nobody else is left: the service refuses all the same).
    expect((await put(sysadmin.PUT, admin.user.id, basic(admin.user.username), { sysadmin_flag: false })).status).toBe(
      200,
    );
    await expect(deleteUser(requireSystem(admin.actor, "users.manage"), second.user.id)).rejects.toMatchObject({
      code: "conflict",
      message: `${second.user.username} is the last system admin. Make another user a system admin first.`,
    });
    await expect(
      setUserDisabled(requireSystem(admin.actor, "users.manage"), second.user.id, true),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    await setSysadmin(bySecond, admin.user.id, true);
  });
});

describe("changeOwnPassword", () => {
  it("refuses a disabled user's session", async () => {
    const u = await makeUser({ password: PW });
    await (await getDb()).user.update({ where: { id: u.user.id }, data: { disabledAt: new Date() } });
    await expect(changeOwnPassword(u.actor, PW, "New-passw0rd")).rejects.toMatchObject({ code: "unauthorized" });
  });
});
