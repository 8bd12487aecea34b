import { getDb } from "@/lib/db/client";
import { getSettings } from "@/lib/settings/settings";

const BATCH = 500;
const FINISHED = ["Success", "Error", "Stopped"];

/**
 * Keeps history bounded: per policy, the newest `retentionCount` executions, none older than
 * `retentionDays`. Deletes finished executions only, in small batches so deliveries never wait
 * long for the database. Events left without executions go after a day (the idempotency window).
 * Operator alerts sent before `retentionDays` go with the history they are about.
 */
export async function purgeHistory(
  now = new Date(),
): Promise<{ executions: number; events: number; audit: number; alerts: number }> {
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

  const orphaned = { executions: { none: {} }, createdAt: { lt: new Date(now.getTime() - 86_400_000) } };
  const events = await inBatches(
    () => db.event.findMany({ where: orphaned, select: { id: true }, take: BATCH }),
    (ids) => db.event.deleteMany({ where: { id: { in: ids } } }),
  );
  const alerts = await inBatches(
    () => db.operatorAlert.findMany({ where: { sentAt: { lt: cutoff } }, select: { id: true }, take: BATCH }),
    (ids) => db.operatorAlert.deleteMany({ where: { id: { in: ids } } }),
  );
  // Audit entries older than `auditRetentionDays`.
  const auditCutoff = new Date(now.getTime() - settings.auditRetentionDays * 86_400_000);
  const audit = await inBatches(
    () => db.auditLog.findMany({ where: { at: { lt: auditCutoff } }, select: { id: true }, take: BATCH }),
    (ids) => db.auditLog.deleteMany({ where: { id: { in: ids } } }),
  );
  return { executions, events, audit, alerts };
}

/** Deletes what `find` returns, a batch at a time, until it finds nothing; how many went. */
async function inBatches(
  find: () => Promise<{ id: number }[]>,
  remove: (ids: number[]) => Promise<{ count: number }>,
): Promise<number> {
  let purged = 0;
  for (;;) {
    const batch = await find();
    if (batch.length === 0) return purged;
    purged += (await remove(batch.map((r) => r.id))).count;
  }
}
