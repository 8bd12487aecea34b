import { describe, expect, it } from "vitest";
import { checkCredentials } from "@/lib/auth/credentials";
import { requireProject, requireSystem } from "@/lib/auth/access";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { createProject } from "@/lib/projects/service";
import { makeApiKey, makeProject, makeUser, uid } from "../helpers/fixtures";

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === "function" ? p() : p);
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.code : `unexpected: ${String(e)}`;
  }
}

describe("sign-in", () => {
  it("accepts the right password and refuses a wrong one or an unknown user the same way", async () => {
    const { user } = await makeUser({ password: "correct-horse" });
    expect(await checkCredentials(user.username, "correct-horse")).toMatchObject({ ok: true, user: { id: user.id } });
    expect(await checkCredentials(user.username, "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials(`nobody-${uid()}`, "wrong")).toEqual({ ok: false, reason: "invalid" });
  });

  it("slows brute force: the 11th failure within the window is rate limited", async () => {
    const { user } = await makeUser();
    for (let i = 0; i < 10; i++) expect((await checkCredentials(user.username, `bad-${i}`)).ok).toBe(false);
    const blocked = await checkCredentials(user.username, "bad-again");
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
  }, 60_000);
});

describe("project access", () => {
  it("lets each role do what the table says, and hides private projects from outsiders", async () => {
    const { user: admin, actor: adminActor } = await makeUser();
    const { user: maint, actor: maintActor } = await makeUser();
    const { actor: guestActor, user: guest } = await makeUser();
    const { actor: outsider } = await makeUser();
    const project = await makeProject({ [admin.id]: "projectAdmin", [maint.id]: "maintainer", [guest.id]: "guest" });
    const other = await makeProject({ [guest.id]: "guest" });

    expect((await requireProject(adminActor, project.name, "webhook.manage")).role).toBe("projectAdmin");
    expect((await requireProject(maintActor, project.id, "webhook.read")).role).toBe("maintainer");
    expect(await codeOf(requireProject(maintActor, project.name, "webhook.manage"))).toBe("forbidden");
    expect(await codeOf(requireProject(guestActor, project.name, "webhook.read"))).toBe("forbidden");
    expect(await codeOf(requireProject(outsider, project.name, "project.read"))).toBe("not_found");
    // a guest of another project calling a manage action here
    expect(await codeOf(requireProject(guestActor, other.name, "members.manage"))).toBe("forbidden");
    expect(await codeOf(requireProject(adminActor, `missing-${uid()}`, "project.read"))).toBe("not_found");
  });

  it("only system admins create projects; duplicates are a conflict on the name", async () => {
    const { actor: sys } = await makeUser({ sysadmin: true });
    const { actor: plain } = await makeUser();
    const name = `proj-${uid()}`;
    expect(await codeOf(() => requireSystem(plain, "project.create"))).toBe("forbidden");
    const p = await createProject(requireSystem(sys, "project.create"), { name, public: false });
    expect(p.name).toBe(name);
    expect(await codeOf(createProject(requireSystem(sys, "project.create"), { name, public: false }))).toBe("conflict");
    expect(await codeOf(() => requireSystem(plain, "settings.manage"))).toBe("forbidden");
    // the creator becomes the project's admin
    const db = await getDb();
    expect(await db.projectMember.count({ where: { projectId: p.id } })).toBe(1);
  });

  it("API keys act only in their own project and stop working when revoked", async () => {
    const project = await makeProject();
    const other = await makeProject();
    const { key, row } = await makeApiKey(project.id, "live");
    const actor = await authenticateApiKey(key);
    expect(actor).toMatchObject({ kind: "apiKey", projectId: project.id, mode: "live" });
    expect((await requireProject(actor!, project.id, "webhook.manage")).role).toBe("apiKey");
    expect(await codeOf(requireProject(actor!, other.id, "webhook.read"))).toBe("not_found");
    const db = await getDb();
    await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    expect(await authenticateApiKey(key)).toBeNull();
    expect(await authenticateApiKey("hk_live_short")).toBeNull();
  });
});
