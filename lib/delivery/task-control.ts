import { actorName } from "@/lib/auth/actor";
import type { ProjectAccess } from "@/lib/auth/access";
import { notFound } from "@/lib/errors";
import { getDb, type Tx } from "@/lib/db/client";
import { notifyWorkers } from "@/lib/db/wakeup";
import { getSettings } from "@/lib/settings/settings";

const OPEN = ["Pending", "Running"];

/** Stopping and redelivering: webhook.manage in the policy's project, checked by the caller's wrapper. */
type ManageAccess = ProjectAccess<"webhook.manage">;

/** Stops every pending or running task matching `where`, with a log line saying why. */
export async function cancelPendingTasks(
  tx: Tx,
  where: { policyId?: number; targetId?: number; executionId?: number },
  reason: string,
) {
  const tasks = await tx.task.findMany({
    where: { ...where, status: { in: OPEN } },
    select: { id: true, executionId: true },
  });
  if (tasks.length === 0) return 0;
  const now = new Date();
  const ids = tasks.map((t) => t.id);
  await tx.task.updateMany({
    where: { id: { in: ids } },
    data: { status: "Stopped", statusMessage: reason, endTime: now, leaseOwner: null, leaseUntil: null },
  });
  await tx.execution.updateMany({
    where: { id: { in: tasks.map((t) => t.executionId) } },
    data: { status: "Stopped", statusMessage: reason, endTime: now },
  });
  await tx.taskLog.createMany({
    data: ids.map((taskId) => ({ taskId, at: now, level: "WARNING", message: `stopped: ${reason}` })),
  });
  return ids.length;
}

/** Stops one execution of a policy (Harbor's "stop"). */
export async function stopExecution({ actor }: ManageAccess, policyId: number, executionId: number) {
  const db = await getDb();
  const execution = await db.execution.findFirst({ where: { id: executionId, policyId } });
  if (!execution) throw notFound("execution");
  return db.$transaction((tx) => cancelPendingTasks(tx, { executionId }, `stopped by ${actorName(actor)}`));
}

/**
 * Sends a finished task again, keeping its webhook-id so receivers can recognise the message, and
 * its history: the new attempts are added to the same task.
 */
async function requeue(tx: Tx, taskIds: number[], who: string) {
  if (taskIds.length === 0) return 0;
  const settings = await getSettings(tx);
  const tasks = await tx.task.findMany({
    where: { id: { in: taskIds }, status: { notIn: OPEN } },
    include: { execution: { include: { policy: true } } },
  });
  const now = new Date();
  for (const t of tasks) {
    const attempts = t.execution.policy.maxAttempts ?? settings.maxAttempts;
    await tx.task.update({
      where: { id: t.id },
      data: {
        status: "Pending",
        statusMessage: "",
        maxAttempts: t.runCount + attempts,
        nextAttemptAt: now,
        endTime: null,
        leaseOwner: null,
        leaseUntil: null,
      },
    });
  }
  const execIds = tasks.map((t) => t.executionId);
  await tx.execution.updateMany({
    where: { id: { in: execIds } },
    data: { status: "Pending", statusMessage: "", endTime: null, trigger: "MANUAL" },
  });
  // The second line is what the history pages read: the attempts made before this redelivery, so
  // the grown maximum is explained ("redelivered: attempt 5 (4 before)").
  await tx.taskLog.createMany({
    data: tasks.flatMap((t) => [
      { taskId: t.id, at: now, message: `redeliver requested by ${who}` },
      {
        taskId: t.id,
        at: now,
        message: redeliveredLine(t.runCount, t.execution.policy.maxAttempts ?? settings.maxAttempts),
      },
    ]),
  });
  return tasks.length;
}

/** "redelivered after 4 attempts (up to 3 more)": read back by lib/webhooks-ui/history-view.ts. */
export function redeliveredLine(before: number, more: number): string {
  return `redelivered after ${before} ${before === 1 ? "attempt" : "attempts"} (up to ${more} more)`;
}

export async function redeliverTask({ actor }: ManageAccess, policyId: number, taskId: number) {
  const db = await getDb();
  const task = await db.task.findFirst({ where: { id: taskId, policyId } });
  if (!task) throw notFound("task");
  const n = await db.$transaction((tx) => requeue(tx, [taskId], actorName(actor)));
  await notifyWorkers();
  return n;
}

type FailedRange = { from: Date; to: Date; includeStopped?: boolean };

/** At most this many tasks are redelivered by one "redeliver failed" request. */
export const REDELIVER_FAILED_LIMIT = 10_000;

function failedWhere(policyId: number, range: FailedRange) {
  const statuses = range.includeStopped ? ["Error", "Stopped"] : ["Error"];
  return { policyId, status: { in: statuses }, createdAt: { gte: range.from, lte: range.to } };
}

/**
 * How many tasks `redeliverFailed` would redeliver for this range right now (read-only): the
 * number the confirmation asks about.
 */
export async function countFailed(_access: ManageAccess, policyId: number, range: FailedRange) {
  const db = await getDb();
  return Math.min(await db.task.count({ where: failedWhere(policyId, range) }), REDELIVER_FAILED_LIMIT);
}

/** Redelivers every task of a policy that ended in Error (or Stopped) between `from` and `to`. */
export async function redeliverFailed({ actor }: ManageAccess, policyId: number, range: FailedRange) {
  const db = await getDb();
  const n = await db.$transaction(async (tx) => {
    const ids = await tx.task.findMany({
      where: failedWhere(policyId, range),
      select: { id: true },
      take: REDELIVER_FAILED_LIMIT,
    });
    return requeue(
      tx,
      ids.map((t) => t.id),
      actorName(actor),
    );
  });
  await notifyWorkers();
  return n;
}
