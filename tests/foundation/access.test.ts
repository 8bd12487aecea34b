// The access values services take can only come from the check, and project visibility is one
// rule: the project list, the exact-name lookup and the permission check agree on it.
import { describe, expect, it } from "vitest";
import {
  ProjectAccess,
  SystemAccess,
  findProject,
  requireKeyProject,
  requireProject,
  requireSystem,
} from "@/lib/auth/access";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { deletePolicy } from "@/lib/policies/service";
import { findVisibleProjectByName, listProjects } from "@/lib/projects/service";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

describe("access values", () => {
  it("are issued by the check only", async () => {
    const { actor } = await makeUser({ sysadmin: true });
    const project = { id: 1, name: "x", public: false };
    expect(() => new ProjectAccess(Symbol("forged") as never, actor, project, "sysadmin", "webhook.manage")).toThrow(
      /issued by lib\/auth\/access only/,
    );
    expect(() => new SystemAccess(Symbol("forged") as never, actor)).toThrow(/issued by lib\/auth\/access only/);
    expect(requireSystem(actor, "users.manage")).toBeInstanceOf(SystemAccess);
  });

  it("carry the actor, the project, the role and the permission checked", async () => {
    const { user, actor } = await makeUser();
    const p = await makeProject({ [user.id]: "projectAdmin" });
    const access = await requireProject(actor, p.name, "webhook.manage");
    expect(access).toBeInstanceOf(ProjectAccess);
    expect(access).toMatchObject({ actor, project: { id: p.id, name: p.name }, role: "projectAdmin" });
    expect(access.permission).toBe("webhook.manage");
    expect(access.can("webhook.secrets")).toBe(true);
    expect(access.can("project.delete")).toBe(false);
  });

  it("a read access cannot be handed to a service that changes, nor forged by shape (the compiler checks)", async () => {
    const { user, actor } = await makeUser();
    const p = await makeProject({ [user.id]: "projectAdmin" });
    const read = await requireProject(actor, p.name, "webhook.read");
    // @ts-expect-error a webhook.read access is not a webhook.manage access
    const misuse = () => deletePolicy(read, 1);
    const forged = {
      actor,
      project: p,
      role: "projectAdmin" as const,
      permission: "webhook.manage" as const,
      can: () => true,
    };
    // @ts-expect-error an object of the same shape is not an access value
    const forgery = () => deletePolicy(forged, 1);
    expect([typeof misuse, typeof forgery]).toEqual(["function", "function"]);
  });

  it("an API key gets its own project only", async () => {
    const mine = await makeProject();
    const { key } = await makeApiKey(mine.id, "live");
    const actor = (await authenticateApiKey(key))!;
    expect((await requireKeyProject(actor, "webhook.read")).project.id).toBe(mine.id);
    expect(await codeOf(requireKeyProject(actor, "members.manage"))).toBe("forbidden");
  });
});

describe("project visibility: one rule", () => {
  async function world() {
    const db = await getDb();
    const { user: member, actor: memberActor } = await makeUser();
    const { actor: outsider } = await makeUser();
    const priv = await makeProject({ [member.id]: "guest" });
    const pub = await makeProject();
    await db.project.update({ where: { id: pub.id }, data: { public: true } });
    const keyProject = await makeProject();
    const key = (await authenticateApiKey((await makeApiKey(keyProject.id)).key))!;
    return { memberActor, outsider, priv, pub: { ...pub, public: true }, keyProject, key };
  }
  const listed = async (actor: Parameters<typeof listProjects>[0], name: string) =>
    (await listProjects(actor, { page: 1, pageSize: 10, name })).items.map((p) => p.name);

  it("a member sees its private project everywhere; an outsider nowhere (404, or 403 where Harbor reveals it)", async () => {
    const { memberActor, outsider, priv } = await world();
    expect(await listed(memberActor, priv.name)).toEqual([priv.name]);
    expect((await findVisibleProjectByName(memberActor, priv.name))?.id).toBe(priv.id);
    expect((await findProject(priv.name, memberActor))?.id).toBe(priv.id);

    expect(await listed(outsider, priv.name)).toEqual([]);
    expect(await findVisibleProjectByName(outsider, priv.name)).toBeNull();
    expect(await findProject(priv.id, outsider)).toBeNull();
    expect(await codeOf(requireProject(outsider, priv.name, "project.read"))).toBe("not_found");
    // Harbor's API tells a signed-in user that an existing project is not theirs.
    expect(await codeOf(requireProject(outsider, priv.name, "webhook.read", { revealToUsers: true }))).toBe(
      "forbidden",
    );
    expect(await codeOf(requireProject(outsider, "no-such-project", "webhook.read", { revealToUsers: true }))).toBe(
      "not_found",
    );
  });

  it("a public project is visible to every user (403 for what its role does not allow), and to no other project's key", async () => {
    const { outsider, pub, key } = await world();
    expect(await listed(outsider, pub.name)).toEqual([pub.name]);
    expect((await findVisibleProjectByName(outsider, pub.name))?.id).toBe(pub.id);
    expect(await codeOf(requireProject(outsider, pub.name, "webhook.read"))).toBe("forbidden");
    expect(await codeOf(requireProject(outsider, pub.name, "project.read"))).toBe("forbidden");
    expect((await requireProject(outsider, pub.name, "project.read", { publicReadable: true })).role).toBeUndefined();

    expect(await listed(key, pub.name)).toEqual([]);
    expect(await findVisibleProjectByName(key, pub.name)).toBeNull();
    expect(await codeOf(requireProject(key, pub.name, "webhook.read", { revealToUsers: true }))).toBe("not_found");
    expect(await codeOf(requireProject(key, pub.name, "project.read", { publicReadable: true }))).toBe("not_found");
  });

  it("an API key sees its own project only", async () => {
    const { key, keyProject, priv } = await world();
    expect(await listed(key, keyProject.name)).toEqual([keyProject.name]);
    expect((await findVisibleProjectByName(key, keyProject.name))?.id).toBe(keyProject.id);
    expect(await codeOf(requireProject(key, priv.id, "webhook.read"))).toBe("not_found");
  });
});
