/**
 * Recording operator alerts, inside the transaction that changes what they are about (the recorder's
 * batch, a person's pause or resume), so a crash loses none and a rollback leaves none. Sending is
 * apart (lib/alerts/sender.ts). Deduplication lives here:
 * - a pause or resume: one alert per change of the target's state (callers record only a real change);
 * - deliveries that failed after their last attempt: one digest per target collects them until it is
 *   due, at most one per ALERT_DIGEST_INTERVAL_MS; the first after a quiet interval is due at once;
 * - a pause takes in the target's digest still collecting, so an outage ends in one message, and
 *   deliveries that were still in flight then add nothing while the target stays paused.
 * Deliveries of operational events count in no digest: alerts never raise alerts about themselves.
 */
import { dialect } from "@/lib/db/client";
import { driverDate, type RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { storableText } from "@/lib/db/text";
import type { TaskOutcome } from "@/lib/delivery/outcome";
import { sampleEventIds, type StateCause } from "@/lib/shared/alerts";
import { isOperationalEventType } from "@/lib/shared/events";

/** A digest names this many of the events its deliveries carried. */
export const DIGEST_SAMPLE_SIZE = 5;

export type StateChange = {
  kind: "target_paused" | "target_resumed";
  targetId: number;
  cause: StateCause;
  reason: string;
  /** who changed it (actorName), "" for the delivery engine */
  operator: string;
  at: Date;
};

type OpenDigest = {
  id: unknown;
  deliveries: unknown;
  firstFailedAt: unknown;
  lastFailedAt: unknown;
  sampleEventIds: string;
};

/** The target's digest that is still collecting (no worker has taken it yet). */
async function openDigest(tx: RawRunner, targetId: number): Promise<OpenDigest | undefined> {
  const [row] = await tx.query<OpenDigest>(Prisma.sql`
    SELECT "id", "deliveries", "firstFailedAt", "lastFailedAt", "sampleEventIds" FROM "OperatorAlert"
    WHERE "targetId" = ${targetId} AND "kind" = 'delivery_exhausted' AND "claimedAt" IS NULL
    ORDER BY "id" DESC LIMIT 1`);
  return row;
}

/** The alert of a target's pause or resume (one per change), with the digest a pause takes in. */
export async function recordStateChange(tx: RawRunner, c: StateChange): Promise<void> {
  const [alert] = await tx.query<{ id: unknown }>(Prisma.sql`
    INSERT INTO "OperatorAlert" ("kind", "policyId", "targetId", "projectId", "targetType", "address", "cause", "reason", "operator", "createdAt", "dueAt")
    SELECT ${c.kind}, w."policyId", w."id", p."projectId", w."type", w."address", ${c.cause}, ${storableText(c.reason)}, ${c.operator}, ${c.at}, ${c.at}
    FROM "WebhookTarget" w JOIN "WebhookPolicy" p ON p."id" = w."policyId" WHERE w."id" = ${c.targetId}
    RETURNING "id"`);
  if (!alert || c.kind !== "target_paused") return;
  // The caller changed the target's row, so no append to the digest can come between (they lock it
  // first); a worker may have taken it for sending meanwhile, and then it is sent as it is.
  const digest = await openDigest(tx, c.targetId);
  if (!digest) return;
  const taken = await tx.execute(
    Prisma.sql`DELETE FROM "OperatorAlert" WHERE "id" = ${Number(digest.id)} AND "claimedAt" IS NULL`,
  );
  if (taken === 0) return;
  await tx.execute(Prisma.sql`
    UPDATE "OperatorAlert" SET "deliveries" = ${Number(digest.deliveries)}, "firstFailedAt" = ${driverDate(digest.firstFailedAt)},
      "lastFailedAt" = ${driverDate(digest.lastFailedAt)}, "sampleEventIds" = ${digest.sampleEventIds}
    WHERE "id" = ${Number(alert.id)}`);
}

type Failed = Extract<TaskOutcome, { kind: "failed" }>;
type TargetFailures = { count: number; first: Date; last: Date; reason: string; eventIds: number[] };

/**
 * Deliveries of the batch that failed after their last attempt, added to their active targets'
 * digests. The targets are locked first (PostgreSQL; SQLite writes one transaction at a time), so
 * two workers never open two digests for one target.
 */
export async function recordExhausted(
  tx: RawRunner,
  outcomes: readonly TaskOutcome[],
  opts: { digestIntervalMs: number; now?: Date },
): Promise<void> {
  const failed = outcomes.filter((o): o is Failed => o.kind === "failed" && o.exhausted);
  if (failed.length === 0) return;
  const executions = await tx.query<{ id: unknown; eventId: unknown; eventType: string }>(Prisma.sql`
    SELECT "id", "eventId", "eventType" FROM "Execution" WHERE "id" IN (${Prisma.join(failed.map((o) => o.executionId))})`);
  const events = new Map(executions.map((e) => [Number(e.id), e]));
  const byTarget = new Map<number, TargetFailures>();
  for (const o of failed) {
    const execution = events.get(o.executionId);
    if (!execution || isOperationalEventType(execution.eventType)) continue;
    const t = byTarget.get(o.targetId) ?? {
      count: 0,
      first: o.endTime,
      last: o.endTime,
      reason: o.reason,
      eventIds: [],
    };
    t.count += 1;
    if (o.endTime < t.first) t.first = o.endTime;
    if (o.endTime >= t.last) [t.last, t.reason] = [o.endTime, o.reason];
    t.eventIds.push(Number(execution.eventId));
    byTarget.set(o.targetId, t);
  }
  if (byTarget.size === 0) return;
  const lock = dialect() === "postgresql" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
  const states = await tx.query<{ id: unknown; status: string }>(
    Prisma.sql`SELECT "id", "status" FROM "WebhookTarget" WHERE "id" IN (${Prisma.join([...byTarget.keys()])}) ORDER BY "id" ${lock}`,
  );
  // A paused target's people were told of the pause: what was still in flight then adds nothing.
  const targets = states.filter((t) => t.status === "active").map((t) => Number(t.id));
  const now = opts.now ?? new Date();
  for (const targetId of targets) {
    const f = byTarget.get(targetId)!;
    const digest = await openDigest(tx, targetId);
    if (digest) {
      const sample = [...new Set([...sampleEventIds(digest.sampleEventIds), ...f.eventIds])].slice(
        0,
        DIGEST_SAMPLE_SIZE,
      );
      // Not if a worker took it for sending meanwhile (it reads the counts it took): then a new one.
      const added = await tx.execute(Prisma.sql`
        UPDATE "OperatorAlert" SET "deliveries" = "deliveries" + ${f.count}, "lastFailedAt" = ${f.last},
          "reason" = ${storableText(f.reason)}, "sampleEventIds" = ${JSON.stringify(sample)}
        WHERE "id" = ${Number(digest.id)} AND "claimedAt" IS NULL`);
      if (added > 0) continue;
    }
    const dueAt = await nextDigestDue(tx, targetId, now, opts.digestIntervalMs);
    await tx.execute(Prisma.sql`
      INSERT INTO "OperatorAlert" ("kind", "policyId", "targetId", "projectId", "targetType", "address", "reason", "createdAt", "dueAt", "deliveries", "firstFailedAt", "lastFailedAt", "sampleEventIds")
      SELECT 'delivery_exhausted', w."policyId", w."id", p."projectId", w."type", w."address", ${storableText(f.reason)}, ${now}, ${dueAt},
        ${f.count}, ${f.first}, ${f.last}, ${JSON.stringify([...new Set(f.eventIds)].slice(0, DIGEST_SAMPLE_SIZE))}
      FROM "WebhookTarget" w JOIN "WebhookPolicy" p ON p."id" = w."policyId" WHERE w."id" = ${targetId}`);
  }
}

/** A new digest is due one interval after the previous one was taken for sending, or now after a quiet interval. */
async function nextDigestDue(tx: RawRunner, targetId: number, now: Date, intervalMs: number): Promise<Date> {
  const [previous] = await tx.query<{ claimedAt: unknown }>(Prisma.sql`
    SELECT "claimedAt" FROM "OperatorAlert" WHERE "targetId" = ${targetId} AND "kind" = 'delivery_exhausted'
    ORDER BY "id" DESC LIMIT 1`);
  if (!previous?.claimedAt) return now;
  const due = driverDate(previous.claimedAt).getTime() + intervalMs;
  return new Date(Math.max(now.getTime(), due));
}
