import { getDb, type Tx } from "@/lib/db/client";
import type { SystemSettings } from "@/lib/generated/sqlite/client";
import { env } from "@/lib/config/env";

export type { SystemSettings };

/** The instance settings row, created with Harbor's defaults on first use. */
export async function getSettings(tx?: Tx): Promise<SystemSettings> {
  const db = tx ?? (await getDb());
  // A plain read first: an upsert is a write, and on SQLite every settings read would then queue
  // for the one write lock (the worker, with its 5 ms busy timeout, failed its claim rounds).
  const row = await db.systemSettings.findUnique({ where: { id: 1 } });
  return row ?? db.systemSettings.upsert({ where: { id: 1 }, update: {}, create: { id: 1 } });
}

/** Allowed networks from settings and from ALLOWED_NETWORKS, as one list of CIDRs. */
export function allowedNetworks(settings: Pick<SystemSettings, "allowedNetworks">): string[] {
  return [settings.allowedNetworks, env().ALLOWED_NETWORKS]
    .join(",")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The two settings every event needs, in one plain read (ingest is a hot path). */
export async function deliverySwitch(tx?: Tx): Promise<{ webhooksEnabled: boolean; maxAttempts: number }> {
  const db = tx ?? (await getDb());
  const rows = await db.$queryRaw<
    { webhooksEnabled: unknown; maxAttempts: unknown }[]
  >`SELECT "webhooksEnabled", "maxAttempts" FROM "SystemSettings" WHERE "id" = 1`;
  if (!rows[0]) return getSettings(tx);
  const on = rows[0].webhooksEnabled;
  return { webhooksEnabled: on === true || on === 1 || on === 1n, maxAttempts: Number(rows[0].maxAttempts) };
}
