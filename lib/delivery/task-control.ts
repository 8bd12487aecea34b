import { recordAudit } from "@/lib/audit/record";
import { actorName } from "@/lib/auth/actor";
import { webhookScopeId } from "@/lib/auth/access";
import type { WebhookAccess } from "@/lib/auth/access";
import { notFound } from "@/lib/errors";
import { getDb, type Tx } from "@/lib/db/client";
import { notifyWorkers } from "@/lib/db/wakeup";
import { getSettings } from "@/lib/settings/settings";
import { Prisma } from "@/lib/db/sql";
import { storableText } from "@/lib/db/text";
import { redeliver, stop, type StopScope } from "@/lib/delivery/task-state";

/** Stopping and redelivering: webhook.manage in the policy's project (or instance-wide), checked by the caller's wrapper. */
type ManageAccess = WebhookAccess<"webhook.manage">;

/**
 * Stops every pending or running task in `scope`, with a log line saying why (the state
 * machine's stop, lib/delivery/task-state.ts).
 */
export async function cancelPendingTasks(tx: Tx, scope: StopScope, reason: string) {
  return stop(tx, scope, reason);
}

/** Stops one execution of a policy (Harbor's "stop"). */
export async function stopExecution(access: ManageAccess, policyId: number, executionId: number) {
  const { actor } = access;
  const db = await getDb();
  const execution = await db.execution.findFirst({ where: { id: executionId, policyId } });
  if (!execution) throw notFound("execution");
  return db.$transaction(async (tx) => {
    const stopped = await cancelPendingTasks(tx, { executionId }, `stopped by ${actorName(actor)}`);
    await recordAudit(tx, actor, "execution.stop", {
      type: "execution",
      id: executionId,
      projectId: webhookScopeId(access),
      detail: JSON.stringify({ policyId }),
    });
    return stopped;
  });
}

/** Ids per statement: far below SQLite's bound-parameter limit (and PostgreSQL's 65,535). */
const ID_CHUNK = 500;

/**
 * Sends finished tasks again, keeping their webhook-id so receivers can recognise the message, and
 * their history: the new attempts are added to the same task. In chunks of ids (a "redeliver
 * failed" may hold thousands), each statement set-based within its chunk.
 */
async function requeue(tx: Tx, taskIds: number[], who: string) {
  if (taskIds.length === 0) return 0;
  const settings = await getSettings(tx);
  const now = new Date();
  let requeued = 0;
  for (let i = 0; i < taskIds.length; i += ID_CHUNK) {
    const moved = await redeliver(tx, taskIds.slice(i, i + ID_CHUNK), settings.maxAttempts);
    if (moved.length === 0) continue;
    const tasks = moved.map((t) => ({ ...t, more: t.maxAttempts - t.runCount }));
    // The second line is what the history pages read: the attempts made before this redelivery, so
    // the grown maximum is explained ("redelivered: attempt 5 (4 before)").
    const lines = tasks.flatMap((t) => [
      Prisma.sql`(${t.id}, ${now}, 'INFO', ${storableText(`redeliver requested by ${who}`)})`,
      Prisma.sql`(${t.id}, ${now}, 'INFO', ${redeliveredLine(t.runCount, t.more)})`,
    ]);
    await tx.$executeRaw`INSERT INTO "TaskLog" ("taskId", "at", "level", "message") VALUES ${Prisma.join(lines)}`;
    requeued += tasks.length;
  }
  return requeued;
}

/** "redelivered after 4 attempts (up to 3 more)": read back by lib/webhooks-ui/history-view.ts. */
export function redeliveredLine(before: number, more: number): string {
  return `redelivered after ${before} ${before === 1 ? "attempt" : "attempts"} (up to ${more} more)`;
}

export async function redeliverTask(access: ManageAccess, policyId: number, taskId: number) {
  const { actor } = access;
  const db = await getDb();
  const task = await db.task.findFirst({ where: { id: taskId, policyId } });
  if (!task) throw notFound("task");
  const n = await db.$transaction(async (tx) => {
    const requeued = await requeue(tx, [taskId], actorName(actor));
    await recordAudit(tx, actor, "task.redeliver", {
      type: "task",
      id: taskId,
      projectId: webhookScopeId(access),
      detail: JSON.stringify({ policyId, requeued }),
    });
    return requeued;
  });
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
export async function redeliverFailed(access: ManageAccess, policyId: number, range: FailedRange) {
  const { actor } = access;
  const db = await getDb();
  // Thousands of tasks take longer than an interactive transaction's default 5 s on a busy machine.
  const n = await db.$transaction(
    async (tx) => {
      const ids = await tx.task.findMany({
        where: failedWhere(policyId, range),
        select: { id: true },
        take: REDELIVER_FAILED_LIMIT,
      });
      const requeued = await requeue(
        tx,
        ids.map((t) => t.id),
        actorName(actor),
      );
      await recordAudit(tx, actor, "policy.redeliver_failed", {
        type: "policy",
        id: policyId,
        projectId: webhookScopeId(access),
        detail: JSON.stringify({ from: range.from, to: range.to, includeStopped: !!range.includeStopped, requeued }),
      });
      return requeued;
    },
    { timeout: 60_000 },
  );
  await notifyWorkers();
  return n;
}

/**
 * Redelivers a target's tasks that ended in Error since `since` (when it started failing): what
 * failed up to its pause, once it is resumed.
 */
export async function redeliverTargetFailures(
  { actor }: ManageAccess,
  policyId: number,
  targetId: number,
  since: Date,
) {
  const db = await getDb();
  const n = await db.$transaction(
    async (tx) => {
      const ids = await tx.task.findMany({
        where: { policyId, targetId, status: "Error", endTime: { gte: since } },
        select: { id: true },
        take: REDELIVER_FAILED_LIMIT,
      });
      return requeue(
        tx,
        ids.map((t) => t.id),
        actorName(actor),
      );
    },
    { timeout: 60_000 },
  );
  if (n > 0) await notifyWorkers();
  return n;
}
