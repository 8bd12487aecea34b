import { getDb } from "@/lib/db/client";
import { getSettings } from "@/lib/settings/settings";

const BATCH = 500;
const FINISHED = ["Success", "Error", "Stopped"];

/**
 * Keeps history bounded: per policy, the newest `retentionCount` executions, none older than
 * `retentionDays`. Deletes finished executions only, in small batches so deliveries never wait
 * long for the database. Events left without executions go after a day (the idempotency window).
 */
export async function purgeHistory(now = new Date()): Promise<{ executions: number; events: number; audit: number }> {
  const db = await getDb();
  const settings = await getSettings();
  let executions = 0;
  const cutoff = new Date(now.getTime() - settings.retentionDays * 86_400_000);

  for (;;) {
    const old = await db.execution.findMany({
      where: { startTime: { lt: cutoff }, status: { in: FINISHED } },
      select: { id: true },
      take: BATCH,
    });
    if (old.length === 0) break;
    executions += (await db.execution.deleteMany({ where: { id: { in: old.map((e) => e.id) } } })).count;
  }

  const crowded = await db.execution.groupBy({
    by: ["policyId"],
    _count: { _all: true },
    having: { policyId: { _count: { gt: settings.retentionCount } } },
  });
  for (const { policyId } of crowded) {
    // The id of the oldest execution to keep; everything finished below it goes.
    const keep = await db.execution.findMany({
      where: { policyId },
      orderBy: { id: "desc" },
      skip: settings.retentionCount - 1,
      take: 1,
      select: { id: true },
    });
    if (!keep[0]) continue;
    for (;;) {
      const batch = await db.execution.findMany({
        where: { policyId, id: { lt: keep[0].id }, status: { in: FINISHED } },
        select: { id: true },
        take: BATCH,
      });
      if (batch.length === 0) break;
      executions += (await db.execution.deleteMany({ where: { id: { in: batch.map((e) => e.id) } } })).count;
    }
  }

  let events = 0;
  for (;;) {
    const orphans = await db.event.findMany({
      where: { executions: { none: {} }, createdAt: { lt: new Date(now.getTime() - 86_400_000) } },
      select: { id: true },
      take: BATCH,
    });
    if (orphans.length === 0) break;
    events += (await db.event.deleteMany({ where: { id: { in: orphans.map((e) => e.id) } } })).count;
  }
  return { executions, events, audit: await purgeAuditLog(now, settings.auditRetentionDays) };
}

/** Audit entries older than `auditRetentionDays`, in batches as the history. */
async function purgeAuditLog(now: Date, days: number): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const old = await db.auditLog.findMany({ where: { at: { lt: cutoff } }, select: { id: true }, take: BATCH });
    if (old.length === 0) return purged;
    purged += (await db.auditLog.deleteMany({ where: { id: { in: old.map((e) => e.id) } } })).count;
  }
}
