import crypto from "node:crypto";
import { getDb } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/actor";
import type { ProjectRole } from "@/lib/shared/roles";
import { generateApiKey, type ApiKeyMode } from "@/lib/auth/api-keys";

/** A target that refuses connections at once, for deliveries no test waits on. */
export const DEAD_URL = "http://127.0.0.1:9/hook";

export const uid = () => crypto.randomBytes(4).toString("hex");

export async function makeUser(opts: { sysadmin?: boolean; password?: string } = {}) {
  const db = await getDb();
  const username = `u-${uid()}`;
  const user = await db.user.create({
    data: {
      username,
      passwordHash: await hashPassword(opts.password ?? "password-123"),
      sysadmin: opts.sysadmin ?? false,
    },
  });
  const actor: Actor = { kind: "user", userId: user.id, username, sysadmin: user.sysadmin };
  return { user, actor };
}

export async function makeProject(members: Record<string, ProjectRole> = {}) {
  const db = await getDb();
  const project = await db.project.create({ data: { name: `p-${uid()}` } });
  for (const [userId, role] of Object.entries(members)) {
    await db.projectMember.create({ data: { projectId: project.id, userId: Number(userId), role } });
  }
  return project;
}

export async function makeApiKey(projectId: number, mode: ApiKeyMode = "test") {
  const db = await getDb();
  const k = generateApiKey(mode);
  const row = await db.apiKey.create({ data: { projectId, mode, prefix: k.prefix, hash: k.hash, name: "test" } });
  return { key: k.key, row };
}
