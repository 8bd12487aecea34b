import { getDb } from "@/lib/db/client";
import type { TaskOutcome } from "@/lib/delivery/deliver";

export type AutoPause = { failures: number; windowMs: number };

/**
 * Writes delivery outcomes in batches: one transaction for many tasks keeps the database from
 * being the bottleneck. Only tasks still leased to this worker are updated, so a task stopped or
 * deleted meanwhile keeps its new state. A crash before a flush loses no task: its lease expires
 * and it is delivered again with the same webhook-id.
 */
export function createRecorder(opts: { owner: string; autoPause: AutoPause; maxBatch?: number; onFlushed?: (outcomes: TaskOutcome[]) => void }) {
  let queue: TaskOutcome[] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const maxBatch = opts.maxBatch ?? 200;

  async function write(batch: TaskOutcome[]) {
    const db = await getDb();
    await db.$transaction(async (tx) => {
      const live = new Set(
        (await tx.task.findMany({ where: { id: { in: batch.map((o) => o.taskId) }, leaseOwner: opts.owner, status: "Running" }, select: { id: true } })).map((t) => t.id),
      );
      const mine = batch.filter((o) => live.has(o.taskId));
      if (mine.length === 0) return;
      const attempts = mine.filter((o) => o.attempt).map((o) => ({ taskId: o.taskId, ...o.attempt! }));
      if (attempts.length) await tx.attempt.createMany({ data: attempts });
      const logs = mine.flatMap((o) => o.logs.map((l) => ({ taskId: o.taskId, ...l })));
      if (logs.length) await tx.taskLog.createMany({ data: logs });
      for (const o of mine) {
        await tx.task.update({
          where: { id: o.taskId },
          data: {
            status: o.status,
            statusMessage: o.statusMessage,
            runCount: o.runCount,
            leaseOwner: null,
            leaseUntil: null,
            ...(o.nextAttemptAt ? { nextAttemptAt: o.nextAttemptAt } : {}),
            ...(o.endTime ? { endTime: o.endTime } : {}),
          },
        });
        await tx.execution.update({ where: { id: o.executionId }, data: { status: o.status, statusMessage: o.statusMessage, endTime: o.endTime ?? null } });
      }
      await updateTargets(tx, mine, opts.autoPause);
    });
  }

  async function flushNow() {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      await write(batch);
      opts.onFlushed?.(batch);
    }
  }

  function schedule() {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = null;
      flushing = flushNow().finally(() => {
        flushing = null;
        if (queue.length) schedule();
      });
    }, queue.length >= maxBatch ? 0 : 5);
  }

  return {
    add(outcome: TaskOutcome) {
      queue.push(outcome);
      schedule();
    },
    pending: () => queue.length,
    /** Waits until everything added so far is written. */
    async drain() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      while (flushing || queue.length) {
        if (flushing) await flushing;
        else {
          flushing = flushNow().finally(() => (flushing = null));
          await flushing;
        }
      }
    },
  };
}

type Tx = Parameters<Parameters<Awaited<ReturnType<typeof getDb>>["$transaction"]>[0]>[0];

/** Failure counting per target: reset on success; past the threshold inside the window, pause. */
async function updateTargets(tx: Tx, outcomes: TaskOutcome[], autoPause: AutoPause) {
  const now = new Date();
  const byTarget = new Map<number, TaskOutcome[]>();
  for (const o of outcomes) byTarget.set(o.targetId, [...(byTarget.get(o.targetId) ?? []), o]);
  for (const [targetId, list] of byTarget) {
    const gone = list.find((o) => o.pauseTarget);
    if (gone) {
      await tx.webhookTarget.update({ where: { id: targetId }, data: { status: "paused", pausedReason: gone.pauseTarget, pausedAt: now } });
      continue;
    }
    const last = [...list].reverse().find((o) => o.targetHealth);
    if (!last) continue;
    if (last.targetHealth === "ok") {
      await tx.webhookTarget.updateMany({ where: { id: targetId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0, firstFailureAt: null } });
      continue;
    }
    const exhausted = list.filter((o) => o.targetHealth === "exhausted").length;
    const target = await tx.webhookTarget.findUnique({ where: { id: targetId } });
    if (!target) continue;
    const failures = target.consecutiveFailures + exhausted;
    const since = target.firstFailureAt ?? now;
    const pause = failures >= autoPause.failures && now.getTime() - since.getTime() >= autoPause.windowMs;
    await tx.webhookTarget.update({
      where: { id: targetId },
      data: {
        consecutiveFailures: failures,
        firstFailureAt: since,
        ...(pause
          ? { status: "paused", pausedAt: now, pausedReason: `paused automatically: ${failures} deliveries in a row failed after all retries since ${since.toISOString()}` }
          : {}),
      },
    });
  }
}
