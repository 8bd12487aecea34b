import { getDb } from "@/lib/db/client";
import { rawExecute } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { storableText } from "@/lib/db/text";

/**
 * The registry feed: one RegistryFeed row (id 1) that POST /service/notifications adds to (see
 * lib/events/registry-feed.ts for what is counted) and the settings page and /metrics read. In the
 * database, so the figures are the instance's whichever web process took a request; each request
 * adds with one atomic increment, and only the latest reason of each kind is kept, so a flood of
 * bad requests overwrites one row and never grows the table.
 */

export const REGISTRY_OUTCOMES = ["accepted", "duplicate", "ignored", "rejected"] as const;
export type RegistryOutcome = (typeof REGISTRY_OUTCOMES)[number];

const MAX_REASON = 300;
const MAX_SOURCE = 64;

export type RegistryFeedView = {
  counts: Record<RegistryOutcome, number>;
  lastReceivedAt: Date | null;
  lastSource: string | null;
  lastIgnored: { reason: string; at: Date | null } | null;
  lastRejected: { reason: string; at: Date | null } | null;
};

// Reasons quote what a registry sent (event ids, fields): made storable before they are written.
const bounded = (text: string) => storableText(text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

/** Adds to the counters and sets the latest reasons, creating the row the first time. */
export async function addToRegistryFeed(data: {
  counts: Partial<Record<RegistryOutcome, number>>;
  source: string;
  ignoredReason?: string;
  rejectedReason?: string;
}) {
  const now = new Date();
  // Every envelope writes here: one plain UPDATE on the driver (Prisma's client would compile the
  // query each time, costing more than the statement).
  const set: Prisma.Sql[] = [];
  for (const outcome of REGISTRY_OUTCOMES) {
    const n = data.counts[outcome];
    if (n && n > 0) set.push(Prisma.sql`${Prisma.raw(`"${outcome}"`)} = ${Prisma.raw(`"${outcome}"`)} + ${n}`);
  }
  set.push(
    Prisma.sql`"lastReceivedAt" = ${now}`,
    Prisma.sql`"lastSource" = ${storableText(data.source.slice(0, MAX_SOURCE))}`,
  );
  if (data.ignoredReason)
    set.push(Prisma.sql`"lastIgnoredReason" = ${bounded(data.ignoredReason)}`, Prisma.sql`"lastIgnoredAt" = ${now}`);
  if (data.rejectedReason)
    set.push(Prisma.sql`"lastRejectedReason" = ${bounded(data.rejectedReason)}`, Prisma.sql`"lastRejectedAt" = ${now}`);
  const update = () => rawExecute(Prisma.sql`UPDATE "RegistryFeed" SET ${Prisma.join(set, ", ")} WHERE "id" = 1`);
  if ((await update()) > 0) return;
  // The migration inserts the row; a database restored without it gets it here (a concurrent
  // request may create it first: then the update goes through on the second try).
  const db = await getDb();
  await db.registryFeed.create({ data: { id: 1 } }).catch(() => undefined);
  await update();
}

/** The row as the settings page and /metrics read it (zeros before the first notification). */
export async function readRegistryFeed(): Promise<RegistryFeedView> {
  const row = await (await getDb()).registryFeed.findUnique({ where: { id: 1 } });
  return {
    counts: {
      accepted: row?.accepted ?? 0,
      duplicate: row?.duplicate ?? 0,
      ignored: row?.ignored ?? 0,
      rejected: row?.rejected ?? 0,
    },
    lastReceivedAt: row?.lastReceivedAt ?? null,
    lastSource: row?.lastSource ?? null,
    lastIgnored: row?.lastIgnoredReason ? { reason: row.lastIgnoredReason, at: row.lastIgnoredAt } : null,
    lastRejected: row?.lastRejectedReason ? { reason: row.lastRejectedReason, at: row.lastRejectedAt } : null,
  };
}
