// The page and action guards: a forced password change leads every page to the change-password
// page and refuses every action but the change; a disabled user's session stops working. And the
// admin pages' server actions (reset, disable, delete) with the session mock.
import { describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

import * as userActions from "@/app/admin/users/actions";
import * as profileActions from "@/app/profile/actions";
import * as projectActions from "@/app/projects/actions";
import { pageSysadmin } from "@/lib/auth/page-access";
import { CHANGE_PASSWORD_PATH, currentUser, requireUserAction, requireUserPage } from "@/lib/auth/session";
import { checkCredentials } from "@/lib/auth/credentials";
import { getDb } from "@/lib/db/client";
import { makeProject, makeUser, uid } from "../helpers/fixtures";
import { signedIn } from "../helpers/session-mock";

const PW = "password-123";

/** Where a guard redirected to (next/navigation's redirect throws an error carrying it), or "no redirect". */
async function redirectOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "no redirect";
  } catch (err) {
    const digest = (err as { digest?: string }).digest ?? "";
    if (!digest.startsWith("NEXT_REDIRECT")) throw err;
    return digest.split(";")[2];
  }
}

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};

async function mustChange(opts: { sysadmin?: boolean } = {}) {
  const u = await makeUser({ password: PW, ...opts });
  await (await getDb()).user.update({ where: { id: u.user.id }, data: { mustChangePassword: true } });
  signedIn.uid = u.user.id;
  return u;
}

describe("forced password change", () => {
  it("every page guard leads to the change-password page; that page itself is let through", async () => {
    await mustChange({ sysadmin: true });
    expect(await redirectOf(() => requireUserPage())).toBe(CHANGE_PASSWORD_PATH);
    expect(await redirectOf(() => pageSysadmin("users.manage"))).toBe(CHANGE_PASSWORD_PATH);
    expect(await redirectOf(() => requireUserPage({ passwordChange: true }))).toBe("no redirect");
  });

  it("every action but the change is refused, with a message that says what to do", async () => {
    await mustChange({ sysadmin: true });
    await expect(requireUserAction()).rejects.toMatchObject({
      code: "forbidden",
      message: "Change your password first: open your profile and choose a new one.",
    });
    const r = await projectActions.createProjectAction(undefined, form({ name: `p-${uid()}` }));
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("changing the password ends it: the forced form goes on to the profile, and pages open again", async () => {
    const u = await mustChange();
    const to = await redirectOf(() =>
      profileActions.changeOwnPasswordAction(
        null,
        form({ currentPassword: PW, newPassword: "Mine-now-123", confirmPassword: "Mine-now-123", forced: "1" }),
      ),
    );
    expect(to).toBe("/profile?password=changed");
    expect((await (await getDb()).user.findUniqueOrThrow({ where: { id: u.user.id } })).mustChangePassword).toBe(false);
    expect(await redirectOf(() => requireUserPage())).toBe("no redirect");
    expect((await checkCredentials(u.user.username, "Mine-now-123")).ok).toBe(true);
  });

  it.each<[string, Record<string, string>, string, string]>([
    [
      "a wrong current password",
      { currentPassword: "nope-nope" },
      "currentPassword",
      "The current password is not correct.",
    ],
    [
      "a short new password",
      { newPassword: "short", confirmPassword: "short" },
      "newPassword",
      "Use at least 8 characters.",
    ],
    [
      "two different new passwords",
      { confirmPassword: "Other-123456" },
      "confirmPassword",
      "The two new passwords do not match.",
    ],
    ["no current password", { currentPassword: "" }, "currentPassword", "Enter your current password."],
  ])("the change form refuses %s, naming the field with a sentence for it", async (_what, change, field, message) => {
    const u = await mustChange();
    const r = await profileActions.changeOwnPasswordAction(
      null,
      form({ currentPassword: PW, newPassword: "Mine-now-123", confirmPassword: "Mine-now-123", ...change }),
    );
    expect(r).toEqual({ ok: false, code: expect.any(String), message, field });
    // No password is echoed back to the form.
    expect(JSON.stringify(r)).not.toContain("Mine-now-123");
    expect((await checkCredentials(u.user.username, PW)).ok).toBe(true);
  });
});

describe("guessing through an open session", () => {
  it("wrong current passwords count as failed sign-ins of that session: after 10, even the right one waits", async () => {
    const u = await makeUser({ password: PW });
    signedIn.uid = u.user.id;
    const attempt = (current: string) =>
      profileActions.changeOwnPasswordAction(
        null,
        form({ currentPassword: current, newPassword: "Mine-now-123", confirmPassword: "Mine-now-123" }),
      );
    for (let i = 0; i < 10; i++) expect(await attempt(`wrong-${i}-guess`)).toMatchObject({ code: "forbidden" });
    const refused = {
      ok: false,
      code: "rate_limited",
      message: "Too many wrong passwords. Wait a few minutes, then try again.",
      field: "currentPassword",
    };
    expect(await attempt("wrong-last-guess")).toEqual(refused);
    expect(await attempt(PW)).toEqual(refused);
    // The window is the session's own: signing in from a client that has not been failing still works.
    expect((await checkCredentials(u.user.username, PW)).ok).toBe(true);
  });
});

describe("disabled users", () => {
  it("an open session stops working: no user for the layout, the sign-in page for pages", async () => {
    const u = await makeUser({ password: PW });
    signedIn.uid = u.user.id;
    expect(await currentUser()).toMatchObject({ userId: u.user.id });
    await (await getDb()).user.update({ where: { id: u.user.id }, data: { disabledAt: new Date() } });
    expect(await currentUser()).toBeNull();
    expect(await redirectOf(() => requireUserPage())).toBe("/login");
    await expect(requireUserAction()).rejects.toMatchObject({ code: "unauthorized" });
  });
});

describe("the users page's actions", () => {
  it("reset a password: the user must change it; a weak one is refused by name", async () => {
    const admin = await makeUser({ sysadmin: true });
    const u = await makeUser({ password: PW });
    signedIn.uid = admin.user.id;
    expect(await userActions.resetPasswordAction(u.user.id, "short")).toEqual({
      ok: false,
      code: "validation_error",
      message: "Use at least 8 characters.",
      field: "newPassword",
    });
    expect(await userActions.resetPasswordAction(u.user.id, "Reset-123456")).toMatchObject({ ok: true });
    const row = await (await getDb()).user.findUniqueOrThrow({ where: { id: u.user.id } });
    expect(row.mustChangePassword).toBe(true);
    expect((await checkCredentials(u.user.username, "Reset-123456")).ok).toBe(true);
    // Your own password is changed on your profile, with the current one.
    expect(await userActions.resetPasswordAction(admin.user.id, "Reset-123456")).toMatchObject({
      ok: false,
      field: "newPassword",
    });
  });

  it("disable, enable, delete (memberships go, the project stays)", async () => {
    const admin = await makeUser({ sysadmin: true });
    const u = await makeUser({ password: PW });
    const p = await makeProject({ [u.user.id]: "maintainer" });
    signedIn.uid = admin.user.id;
    expect(await userActions.setUserDisabledAction(u.user.id, true)).toMatchObject({ ok: true });
    expect(await checkCredentials(u.user.username, PW)).toEqual({ ok: false, reason: "disabled" });
    expect(await userActions.setUserDisabledAction(u.user.id, false)).toMatchObject({ ok: true });
    expect((await checkCredentials(u.user.username, PW)).ok).toBe(true);
    expect(await userActions.setUserDisabledAction(admin.user.id, true)).toMatchObject({
      ok: false,
      code: "forbidden",
      message: "You cannot disable your own account; another system admin can.",
    });
    expect(await userActions.deleteUserAction(u.user.id)).toEqual({
      ok: true,
      data: { username: u.user.username, memberships: 1 },
    });
    const db = await getDb();
    expect(await db.projectMember.count({ where: { projectId: p.id } })).toBe(0);
    expect(await db.project.findUnique({ where: { id: p.id } })).not.toBeNull();
    expect(await userActions.deleteUserAction(u.user.id)).toMatchObject({ ok: false, code: "not_found" });
  });

  it("a user who is not a system admin is refused", async () => {
    const plain = await makeUser();
    const u = await makeUser();
    signedIn.uid = plain.user.id;
    for (const r of [
      await userActions.deleteUserAction(u.user.id),
      await userActions.setUserDisabledAction(u.user.id, true),
      await userActions.resetPasswordAction(u.user.id, "Reset-123456"),
    ])
      expect(r).toMatchObject({ ok: false, code: "forbidden" });
  });
});
