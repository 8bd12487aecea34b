import { rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { claim, expireLeases, release, renewLeases as renew } from "@/lib/delivery/task-state";

/**
 * Claims up to `limit` due tasks (waiting in the queue, time has come) for `owner` with a lease
 * (the state machine's claim, lib/delivery/task-state.ts), walking the queue's due-time index in
 * order. Tasks of paused targets and of targets in `excludeTargets` (busy in this worker) wait.
 */
export async function claimDueTasks(opts: {
  owner: string;
  limit: number;
  leaseMs: number;
  excludeTargets?: number[];
  /** Claim only as many tasks as their events' data fits in (see pickWithinBytes). */
  bytes?: ByteAllowance;
}): Promise<number[]> {
  const now = new Date();
  const exclude = opts.excludeTargets?.length
    ? Prisma.sql`AND q."targetId" NOT IN (${Prisma.join(opts.excludeTargets)})`
    : Prisma.empty;
  // A plain read first: most wake-ups find nothing (or only tasks of targets this worker is busy
  // with), and on SQLite the UPDATE below would wait for the database's one write lock even when
  // it matches no row. With a byte allowance, that read also picks the tasks that fit.
  const picked = opts.bytes ? await pickWithinBytes(now, exclude, opts.limit, opts.bytes) : undefined;
  if (picked?.length === 0) return [];
  if (!picked) {
    const due = await rawQuery(
      Prisma.sql`SELECT 1 FROM "QueueItem" q WHERE q."leaseOwner" IS NULL AND q."dueAt" <= ${now.getTime()} ${exclude} LIMIT 1`,
    );
    if (due.length === 0) return [];
  }
  return claim({
    owner: opts.owner,
    limit: opts.limit,
    leaseMs: opts.leaseMs,
    now,
    excludeTargets: opts.excludeTargets,
    only: picked,
  });
}

/** What a claim may add to the worker's memory (lib/delivery/byte-budget.ts). */
export type ByteAllowance = {
  /** Bytes of event data the claim may bring in (events the worker holds already cost nothing). */
  remaining: number;
  /** The worker holds this event's data already. */
  holds: (eventId: number) => boolean;
  /** The worker holds nothing: take the first task whatever its size, or it would never go. */
  empty: boolean;
};

/**
 * The due tasks, oldest first, that fit the allowance: their sizes are read first (a plain read,
 * no data transferred), and the claim takes those ids only (if still due). A batch of tasks of
 * one event (one per policy target) costs its data once.
 */
async function pickWithinBytes(now: Date, exclude: Prisma.Sql, limit: number, bytes: ByteAllowance) {
  const rows = await rawQuery<{ id: number | bigint; eventId: number | bigint }>(Prisma.sql`
    SELECT q."taskId" AS "id", e."eventId"
    FROM "QueueItem" q JOIN "Task" t ON t."id" = q."taskId" JOIN "Execution" e ON e."id" = t."executionId"
    WHERE q."leaseOwner" IS NULL AND q."dueAt" <= ${now.getTime()}
      AND NOT EXISTS (SELECT 1 FROM "WebhookTarget" w WHERE w."id" = q."targetId" AND w."status" = 'paused')
      ${exclude}
    ORDER BY q."dueAt"
    LIMIT ${limit}`);
  // Sizes once per event (a batch is often one event's tasks for many policies), none for events held.
  const unknown = [...new Set(rows.map((r) => Number(r.eventId)))].filter((id) => !bytes.holds(id));
  const sizes = new Map<number, number>();
  if (unknown.length) {
    const events = await rawQuery<{ id: number | bigint; size: number | bigint | null }>(
      Prisma.sql`SELECT "id", LENGTH("eventData") AS "size" FROM "Event" WHERE "id" IN (${Prisma.join(unknown)})`,
    );
    for (const e of events) sizes.set(Number(e.id), Number(e.size ?? 0));
  }
  const picked: number[] = [];
  let left = bytes.remaining;
  for (const r of rows) {
    const eventId = Number(r.eventId);
    const size = sizes.get(eventId);
    if (size !== undefined) {
      if (size > left && !(bytes.empty && picked.length === 0)) break;
      left -= size;
      sizes.delete(eventId); // counted once
    }
    picked.push(Number(r.id));
  }
  return picked;
}

/**
 * Tasks whose worker stopped renewing their lease (it crashed or was killed) become Pending
 * again, keeping their webhook-id: at-least-once delivery.
 */
export async function recoverExpiredLeases(): Promise<number> {
  const now = new Date();
  // A plain read first: on SQLite the update waits for the write lock even when nothing expired.
  const expired = await rawQuery(
    Prisma.sql`SELECT 1 FROM "QueueItem" WHERE "leaseOwner" IS NOT NULL AND "dueAt" < ${now.getTime()} LIMIT 1`,
  );
  if (expired.length === 0) return 0;
  return expireLeases(now);
}

/** Extends the leases of the tasks this worker is still delivering. */
export async function renewLeases(owner: string, leaseMs: number, inFlight: number): Promise<number> {
  if (inFlight === 0) return 0;
  return renew(owner, leaseMs);
}

/** Gives back this worker's unfinished tasks (on shutdown) so another worker takes them at once. */
export async function releaseLeases(owner: string): Promise<number> {
  return release(owner);
}

/** Gives back tasks this worker claimed but could not start (their load failed). */
export async function releaseClaimed(owner: string, ids: number[]): Promise<number> {
  return release(owner, ids);
}

/** When the next task becomes due (for the idle timer), or null when nothing is waiting. */
export async function nextDueAt(): Promise<Date | null> {
  const [q] = await rawQuery<{ dueAt: unknown }>(
    Prisma.sql`SELECT "dueAt" FROM "QueueItem" WHERE "leaseOwner" IS NULL ORDER BY "dueAt" LIMIT 1`,
  );
  return q ? new Date(Number(q.dueAt)) : null;
}
