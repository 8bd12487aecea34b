import { z } from "zod";
import { notFound } from "@/lib/errors";
import type { ProjectAccess } from "@/lib/auth/access";
import { API_KEY_MODES, generateApiKey } from "@/lib/auth/api-keys";
import { recordAudit } from "@/lib/audit/record";
import { actorName } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { atMostChars, enter, visibleName } from "@/lib/shared/input-rules";

export const createApiKeySchema = z.object({
  mode: z.enum(API_KEY_MODES, "Choose live or test."),
  name: visibleName(z.string(enter("the name as text")).trim().max(100, atMostChars(100)))
    .optional()
    .default(""),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

type KeysAccess = ProjectAccess<"apiKeys.manage">;

/** Creates a key; the full key is returned only here (only its hash is stored). */
export async function createApiKey({ actor, project }: KeysAccess, input: CreateApiKeyInput) {
  const db = await getDb();
  const k = generateApiKey(input.mode);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        projectId: project.id,
        mode: input.mode,
        name: input.name,
        prefix: k.prefix,
        hash: k.hash,
        createdBy: actorName(actor),
      },
    });
    await recordAudit(tx, actor, "api_key.create", {
      type: "api_key",
      id: created.id,
      projectId: project.id,
      detail: `${input.mode} ${k.prefix}…`,
    });
    return created;
  });
  return { key: k.key, row };
}

/** What lists and reads show of a key: never the key or its hash. */
const listedColumns = {
  id: true,
  name: true,
  mode: true,
  prefix: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** A page of the project's keys, newest first, with the total (page numbers from 1). */
export async function listApiKeys(projectId: number, paging: { page: number; pageSize: number }) {
  const db = await getDb();
  const where = { projectId };
  const [total, items] = await Promise.all([
    db.apiKey.count({ where }),
    db.apiKey.findMany({
      where,
      orderBy: { id: "desc" },
      select: listedColumns,
      skip: (paging.page - 1) * paging.pageSize,
      take: paging.pageSize,
    }),
  ]);
  return { total, items };
}

/** One key of the project (revoked ones too), or null. */
export async function findApiKey(projectId: number, keyId: number) {
  const db = await getDb();
  return db.apiKey.findFirst({ where: { id: keyId, projectId }, select: listedColumns });
}

export async function revokeApiKey({ actor, project }: KeysAccess, keyId: number) {
  const db = await getDb();
  const key = await db.apiKey.findFirst({ where: { id: keyId, projectId: project.id, revokedAt: null } });
  if (!key) throw notFound("API key");
  await db.$transaction(async (tx) => {
    await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, "api_key.revoke", { type: "api_key", id: keyId, projectId: project.id });
  });
}
