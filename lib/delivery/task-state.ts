/**
 * The task state machine: the statuses a delivery task moves through, the moves allowed, and the
 * SQL that makes each move. Nothing else writes a task's or an execution's status, or the queue
 * (tests/code-health/status-writes.test.ts). An execution has one task, and every move sets the
 * execution's status in the same transaction, so an execution shows Running while its task runs.
 *
 *   Pending ─claim─▶ Running ─finish─▶ Success | Error | Pending (retry at, postponed)
 *   Running ─lease expired, released─▶ Pending
 *   Pending, Running ─stop─▶ Stopped
 *   Success, Error, Stopped ─redeliver─▶ Pending
 *
 * An open task (Pending, Running) has one row in the queue ("QueueItem": task, target, due time
 * and lease owner, integer epoch milliseconds, one index); workers find, claim and lease those
 * narrow rows, and the history rows ("Task", "Execution") are written only when the status moves.
 * A Pending task's row is due at `dueAt`; a Running task's row is leased to `leaseOwner` until
 * `dueAt`. Ending a task deletes its row; redelivering adds one.
 */
import { dialect, type Tx } from "@/lib/db/client";
import { retryBusy } from "@/lib/db/busy";
import { rawExecute, rawQuery, rawTransaction, type RawRunner } from "@/lib/db/raw";
import { Prisma, tsParam } from "@/lib/db/sql";
import { storableText } from "@/lib/db/text";
import { messageOf, statusAfter, type TaskOutcome } from "@/lib/delivery/outcome";
import type { TaskStatus } from "@/lib/shared/task-statuses";

/** Each move: the statuses it starts from and those it may end in. */
export const MOVES = {
  claim: { from: ["Pending"], to: ["Running"] },
  finish: { from: ["Running"], to: ["Success", "Error", "Pending"] },
  expireLease: { from: ["Running"], to: ["Pending"] },
  release: { from: ["Running"], to: ["Pending"] },
  stop: { from: ["Pending", "Running"], to: ["Stopped"] },
  redeliver: { from: ["Success", "Error", "Stopped"], to: ["Pending"] },
} as const satisfies Record<string, { from: readonly TaskStatus[]; to: readonly TaskStatus[] }>;

export type Move = keyof typeof MOVES;

/** Whether a task in `from` may be moved to `to` (by any move). */
export function canMove(from: TaskStatus, to: TaskStatus): boolean {
  return Object.values(MOVES).some(
    (m) => (m.from as readonly TaskStatus[]).includes(from) && (m.to as readonly TaskStatus[]).includes(to),
  );
}

/** `"status" IN (…)` for a move's starting statuses: constants, written inline so plans use the status index. */
function fromStatuses(move: Move, alias = ""): Prisma.Sql {
  const from: readonly TaskStatus[] = MOVES[move].from;
  return Prisma.raw(
    from.length === 1
      ? `${alias}"status" = '${from[0]}'`
      : `${alias}"status" IN (${from.map((s) => `'${s}'`).join(", ")})`,
  );
}

/** A queue time: epoch milliseconds, typed for PostgreSQL's CASE and VALUES. */
const ms = (d: Date) =>
  dialect() === "postgresql" ? Prisma.sql`CAST(${d.getTime()} AS BIGINT)` : Prisma.sql`${d.getTime()}`;

type Moved = { id: number | bigint; executionId: number | bigint };

/** Sets the executions of moved tasks to the tasks' new status, in the transaction that moved them. */
async function mirrorExecutions(tx: RawRunner, moved: Moved[], status: TaskStatus) {
  if (moved.length === 0) return;
  await tx.execute(
    Prisma.sql`UPDATE "Execution" SET "status" = ${status} WHERE "id" IN (${Prisma.join(moved.map((m) => Number(m.executionId)))})`,
  );
}

/**
 * A move of queued tasks: `queue` changes their queue rows (… RETURNING "taskId"), and the tasks
 * it returned get `set` and their executions `status`. One statement on PostgreSQL (data-modifying
 * WITHs), one transaction on SQLite.
 */
async function moveQueued(queue: Prisma.Sql, set: Prisma.Sql, status: TaskStatus): Promise<Moved[]> {
  if (dialect() === "postgresql") {
    return retryBusy(() =>
      rawQuery<Moved>(Prisma.sql`
        WITH queued AS (${queue}),
          moved AS (UPDATE "Task" SET ${set} WHERE "id" IN (SELECT "taskId" FROM queued) RETURNING "id", "executionId"),
          mirrored AS (UPDATE "Execution" SET "status" = ${status} WHERE "id" IN (SELECT "executionId" FROM moved))
        SELECT "id", "executionId" FROM moved`),
    );
  }
  return retryBusy(() =>
    rawTransaction(async (tx) => {
      const queued = await tx.query<{ taskId: number | bigint }>(queue);
      if (queued.length === 0) return [];
      const moved = await tx.query<Moved>(
        Prisma.sql`UPDATE "Task" SET ${set} WHERE "id" IN (${Prisma.join(queued.map((q) => Number(q.taskId)))}) RETURNING "id", "executionId"`,
      );
      await mirrorExecutions(tx, moved, status);
      return moved;
    }),
  );
}

// --- the worker's moves (raw driver, lib/db/raw.ts) -------------------------------------------

/** A task to add: one delivery of an event to a policy's target. */
export type NewTask = {
  executionId: number;
  policyId: number;
  targetId: number;
  webhookId: string;
  maxAttempts: number;
  /** When its first attempt is due (a grouped delivery: its window's end); default now. */
  dueAt?: Date;
};

/**
 * Adds new tasks, Pending, with their queue rows due at `now` (or their own dueAt), in the
 * caller's transaction (ingest). Answers the tasks' ids in the order given when any has a dueAt.
 */
export async function enqueueNew(tx: RawRunner, tasks: NewTask[], now: Date): Promise<number[]> {
  if (tasks.length === 0) return [];
  const insert = Prisma.sql`
    INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "maxAttempts", "nextAttemptAt", "createdAt", "updatedAt")
    VALUES ${Prisma.join(tasks.map((t) => Prisma.sql`(${t.executionId}, ${t.policyId}, ${t.targetId}, ${t.webhookId}, ${t.maxAttempts}, ${t.dueAt ?? now}, ${now}, ${now})`))}
    RETURNING "id", "targetId", "webhookId"`;
  const timed = tasks.some((t) => t.dueAt);
  if (dialect() === "postgresql" && !timed) {
    await tx.execute(Prisma.sql`
      WITH added AS (${insert})
      INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt") SELECT "id", "targetId", ${ms(now)} FROM added`);
    return [];
  }
  const added = await tx.query<{ id: number | bigint; targetId: number | bigint; webhookId: string }>(insert);
  // webhook ids are unique: they put the returned rows back in the order given.
  const dueOf = new Map(tasks.map((t) => [t.webhookId, (t.dueAt ?? now).getTime()]));
  const idOf = new Map(added.map((a) => [a.webhookId, Number(a.id)]));
  await tx.execute(
    Prisma.sql`INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt") VALUES ${Prisma.join(
      added.map((a) => Prisma.sql`(${Number(a.id)}, ${Number(a.targetId)}, ${ms(new Date(dueOf.get(a.webhookId)!))})`),
    )}`,
  );
  return tasks.map((t) => idOf.get(t.webhookId)!);
}

/**
 * Pending → Running: leases up to `limit` due tasks to `owner`, oldest due first. `only` narrows to
 * tasks already picked by a read; `excludeTargets` leaves out targets the worker is busy with.
 * PostgreSQL skips rows other workers are claiming at the same moment (FOR UPDATE SKIP LOCKED);
 * SQLite has one writer at a time, so the UPDATE is already exclusive.
 */
export async function claim(opts: {
  owner: string;
  limit: number;
  leaseMs: number;
  now: Date;
  excludeTargets?: number[];
  only?: number[];
}): Promise<number[]> {
  const { now } = opts;
  const leaseEnd = new Date(now.getTime() + opts.leaseMs);
  if (opts.only && dialect() === "sqlite") return claimEach(opts.owner, opts.only, now, leaseEnd);
  const exclude = opts.excludeTargets?.length
    ? Prisma.sql`AND q."targetId" NOT IN (${Prisma.join(opts.excludeTargets)})`
    : Prisma.empty;
  const which = opts.only ? Prisma.sql`AND q."taskId" IN (${Prisma.join(opts.only)})` : Prisma.empty;
  const lock = dialect() === "postgresql" ? Prisma.sql`FOR UPDATE OF q SKIP LOCKED` : Prisma.empty;
  const rows = await moveQueued(
    Prisma.sql`
      UPDATE "QueueItem" SET "leaseOwner" = ${opts.owner}, "dueAt" = ${ms(leaseEnd)}
      WHERE "taskId" IN (
        SELECT q."taskId" FROM "QueueItem" q
        WHERE q."leaseOwner" IS NULL AND q."dueAt" <= ${ms(now)}
          AND NOT EXISTS (SELECT 1 FROM "WebhookTarget" w WHERE w."id" = q."targetId" AND w."status" = 'paused')
          ${exclude} ${which}
        ORDER BY q."dueAt"
        LIMIT ${opts.limit}
        ${lock}
      )
      RETURNING "taskId"`,
    Prisma.sql`"status" = 'Running', "updatedAt" = ${tsParam(now)}, "startTime" = COALESCE("startTime", ${tsParam(now)})`,
    "Running",
  );
  return rows.map((r) => Number(r.id));
}

/**
 * SQLite, tasks already picked by a read: each claimed by small statements of constant text
 * (prepared once, lib/db/raw.ts), still waiting, due and of a target not paused, in one transaction.
 */
async function claimEach(owner: string, ids: number[], now: Date, leaseEnd: Date): Promise<number[]> {
  return retryBusy(() =>
    rawTransaction(async (tx) => {
      const claimed: number[] = [];
      for (const id of ids) {
        const leased = await tx.execute(Prisma.sql`
          UPDATE "QueueItem" SET "leaseOwner" = ${owner}, "dueAt" = ${leaseEnd.getTime()}
          WHERE "taskId" = ${id} AND "leaseOwner" IS NULL AND "dueAt" <= ${now.getTime()}
            AND NOT EXISTS (SELECT 1 FROM "WebhookTarget" w WHERE w."id" = "QueueItem"."targetId" AND w."status" = 'paused')`);
        if (leased === 0) continue;
        const [moved] = await tx.query<Moved>(Prisma.sql`
          UPDATE "Task" SET "status" = 'Running', "updatedAt" = ${now}, "startTime" = COALESCE("startTime", ${now})
          WHERE "id" = ${id} RETURNING "id", "executionId"`);
        if (!moved) continue;
        await tx.execute(Prisma.sql`UPDATE "Execution" SET "status" = 'Running' WHERE "id" = ${moved.executionId}`);
        claimed.push(id);
      }
      return claimed;
    }),
  );
}

/**
 * Running → Pending for tasks whose worker stopped renewing their lease (it crashed or was
 * killed): due at once; they keep their webhook-id: at-least-once delivery.
 */
export async function expireLeases(now = new Date()): Promise<number> {
  const rows = await moveQueued(
    Prisma.sql`UPDATE "QueueItem" SET "leaseOwner" = NULL WHERE "leaseOwner" IS NOT NULL AND "dueAt" < ${ms(now)} RETURNING "taskId"`,
    Prisma.sql`"status" = 'Pending', "statusMessage" = 'lease expired; delivering again', "updatedAt" = ${tsParam(now)}`,
    "Pending",
  );
  return rows.length;
}

/** Extends the leases of `owner`'s running tasks (no move: they stay Running; the history is not written). */
export async function renewLeases(owner: string, leaseMs: number): Promise<number> {
  return retryBusy(() =>
    rawExecute(
      Prisma.sql`UPDATE "QueueItem" SET "dueAt" = ${ms(new Date(Date.now() + leaseMs))} WHERE "leaseOwner" = ${owner}`,
    ),
  );
}

/** Running → Pending for `owner`'s tasks (all of them, or those in `ids`), due at once for any worker. */
export async function release(owner: string, ids?: number[]): Promise<number> {
  if (ids?.length === 0) return 0;
  const now = new Date();
  const which = ids ? Prisma.sql`AND "taskId" IN (${Prisma.join(ids)})` : Prisma.empty;
  const rows = await moveQueued(
    Prisma.sql`UPDATE "QueueItem" SET "leaseOwner" = NULL, "dueAt" = ${ms(now)} WHERE "leaseOwner" = ${owner} ${which} RETURNING "taskId"`,
    Prisma.sql`"status" = 'Pending', "updatedAt" = ${tsParam(now)}`,
    "Pending",
  );
  return rows.length;
}

/**
 * Running → Success, Error or Pending (retry at, postponed) for a batch of outcomes, in the
 * caller's transaction, with their executions. Only tasks still leased to `owner` move (a task
 * stopped or redelivered meanwhile keeps its new state); returns their ids. An ended task's queue
 * row is deleted; a retried one waits in the queue until its time.
 */
export async function finish(tx: RawRunner, owner: string, batch: TaskOutcome[]): Promise<Set<number>> {
  if (batch.length === 0) return new Set();
  const now = new Date();
  if (dialect() === "sqlite") return finishEach(tx, owner, batch, now);
  // One statement of constant text whatever the batch: the outcomes travel as arrays (unnest), so
  // PostgreSQL parses and plans a few parameters instead of a CASE per column per task.
  const ts = (d: Date | null) => (d ? d.toISOString().replace("T", " ").replace("Z", "") : null);
  const again = (o: TaskOutcome) => (o.kind === "retry" || o.kind === "postponed" ? o.retryAt : null);
  const ended = (o: TaskOutcome) => (o.kind === "success" || o.kind === "failed" ? o.endTime : null);
  const moved = await tx.query<Moved>(Prisma.sql`
    WITH o AS (
      SELECT * FROM unnest(
        ${batch.map((o) => o.taskId)}::int[], ${batch.map((o) => o.executionId)}::int[],
        ${batch.map(statusAfter)}::text[], ${batch.map(messageOf)}::text[], ${batch.map((o) => o.runCount)}::int[],
        ${batch.map((o) => again(o)?.getTime() ?? null)}::bigint[], ${batch.map((o) => ts(again(o)))}::timestamp(3)[],
        ${batch.map((o) => ts(ended(o)))}::timestamp(3)[]
      ) AS o("taskId", "executionId", "status", "message", "runCount", "dueAt", "nextAttemptAt", "endTime")
    ),
    gone AS (
      DELETE FROM "QueueItem" q USING o
      WHERE q."taskId" = o."taskId" AND o."dueAt" IS NULL AND q."leaseOwner" = ${owner}
      RETURNING q."taskId"
    ),
    waiting AS (
      UPDATE "QueueItem" q SET "leaseOwner" = NULL, "dueAt" = o."dueAt" FROM o
      WHERE q."taskId" = o."taskId" AND o."dueAt" IS NOT NULL AND q."leaseOwner" = ${owner}
      RETURNING q."taskId"
    ),
    moved AS (
      UPDATE "Task" t SET "status" = o."status", "statusMessage" = o."message", "runCount" = o."runCount",
        "nextAttemptAt" = COALESCE(o."nextAttemptAt", t."nextAttemptAt"), "endTime" = COALESCE(o."endTime", t."endTime"),
        "updatedAt" = ${now}
      FROM o WHERE t."id" = o."taskId" AND t."id" IN (SELECT "taskId" FROM gone UNION ALL SELECT "taskId" FROM waiting)
      RETURNING t."id", t."executionId"
    ),
    mirrored AS (
      UPDATE "Execution" e SET "status" = o."status", "statusMessage" = o."message", "endTime" = o."endTime"
      FROM o JOIN moved m ON m."id" = o."taskId" WHERE e."id" = m."executionId"
    )
    SELECT "id", "executionId" FROM moved`);
  return new Set(moved.map((r) => Number(r.id)));
}

/**
 * SQLite: small statements per outcome, the same text every time (prepared once, lib/db/raw.ts),
 * run in the process at a fraction of the cost of preparing a batch-sized CASE statement.
 */
async function finishEach(tx: RawRunner, owner: string, batch: TaskOutcome[], now: Date): Promise<Set<number>> {
  const live = new Set<number>();
  for (const o of batch) {
    const retryAt = o.kind === "retry" || o.kind === "postponed" ? o.retryAt : null;
    const endTime = o.kind === "success" || o.kind === "failed" ? o.endTime : null;
    const queued = retryAt
      ? await tx.execute(
          Prisma.sql`UPDATE "QueueItem" SET "leaseOwner" = NULL, "dueAt" = ${retryAt.getTime()} WHERE "taskId" = ${o.taskId} AND "leaseOwner" = ${owner}`,
        )
      : await tx.execute(Prisma.sql`DELETE FROM "QueueItem" WHERE "taskId" = ${o.taskId} AND "leaseOwner" = ${owner}`);
    if (queued === 0) continue;
    const moved = await tx.query<Moved>(Prisma.sql`
      UPDATE "Task" SET "status" = ${statusAfter(o)}, "statusMessage" = ${messageOf(o)}, "runCount" = ${o.runCount},
        "nextAttemptAt" = COALESCE(${retryAt}, "nextAttemptAt"), "endTime" = COALESCE(${endTime}, "endTime"), "updatedAt" = ${now}
      WHERE "id" = ${o.taskId}
      RETURNING "id", "executionId"`);
    if (moved.length === 0) continue;
    live.add(o.taskId);
    await tx.execute(
      Prisma.sql`UPDATE "Execution" SET "status" = ${statusAfter(o)}, "statusMessage" = ${messageOf(o)}, "endTime" = ${endTime} WHERE "id" = ${o.executionId}`,
    );
  }
  return live;
}

/**
 * Counts an attempt that was in flight when its task was stopped (no move: it stays Stopped), only
 * when no other attempt was counted since it started; returns whether it was counted.
 */
export async function countStoppedAttempt(tx: RawRunner, taskId: number, runCount: number): Promise<boolean> {
  const changed = await tx.execute(
    Prisma.sql`UPDATE "Task" SET "runCount" = ${runCount}, "updatedAt" = ${tsParam(new Date())} WHERE "id" = ${taskId} AND "status" = 'Stopped' AND "runCount" = ${runCount - 1}`,
  );
  return changed > 0;
}

// --- the operators' moves (Prisma transactions) -----------------------------------------------

/** Which tasks a stop applies to, by foreign key (no id lists: a policy may have any number of open tasks). */
export type StopScope = { policyId?: number; targetId?: number; executionId?: number };

/**
 * Pending, Running → Stopped for every open task in `scope` (those in the queue), with a log line
 * saying why, in the caller's transaction. Set-based: a statement binding one parameter per task
 * fails past SQLite's bound-parameter limit.
 */
export async function stop(tx: Tx, scope: StopScope, reason: string): Promise<number> {
  const keys = Prisma.join(
    [
      Prisma.sql`1 = 1`,
      ...(scope.policyId !== undefined ? [Prisma.sql`t."policyId" = ${scope.policyId}`] : []),
      ...(scope.targetId !== undefined ? [Prisma.sql`q."targetId" = ${scope.targetId}`] : []),
      ...(scope.executionId !== undefined ? [Prisma.sql`t."executionId" = ${scope.executionId}`] : []),
    ],
    " AND ",
  );
  const open = (column: string) =>
    Prisma.sql`SELECT t.${Prisma.raw(`"${column}"`)} FROM "QueueItem" q JOIN "Task" t ON t."id" = q."taskId" WHERE ${keys}`;
  const now = new Date();
  const message = storableText(`stopped: ${reason}`);
  reason = storableText(reason);
  // The queue rows go last: the statements before find the open tasks by them.
  await tx.$executeRaw`INSERT INTO "TaskLog" ("taskId", "at", "level", "message")
    SELECT "id", ${now}, 'WARNING', ${message} FROM "Task" WHERE "id" IN (${open("id")})`;
  await tx.$executeRaw`UPDATE "Execution" SET "status" = 'Stopped', "statusMessage" = ${reason}, "endTime" = ${now}
    WHERE "id" IN (${open("executionId")})`;
  const stopped =
    await tx.$executeRaw`UPDATE "Task" SET "status" = 'Stopped', "statusMessage" = ${reason}, "endTime" = ${now}, "updatedAt" = ${now}
    WHERE "id" IN (${open("id")}) AND ${fromStatuses("stop")}`;
  await tx.$executeRaw`DELETE FROM "QueueItem" WHERE "taskId" IN (${open("id")})`;
  return stopped;
}

export type Redelivered = { id: number; executionId: number; runCount: number; maxAttempts: number };

/**
 * Success, Error, Stopped → Pending, due now, for the finished tasks among `ids` (at most a few
 * hundred: one parameter each), keeping their webhook-id and history. Their attempt budget grows
 * by the policy's own or `defaultAttempts` from each task's run count; their executions become
 * manual triggers.
 */
export async function redeliver(tx: Tx, ids: number[], defaultAttempts: number): Promise<Redelivered[]> {
  if (ids.length === 0) return [];
  const now = new Date();
  const rows = await tx.$queryRaw<(Moved & { runCount: number | bigint; maxAttempts: number | bigint })[]>`
    UPDATE "Task" SET "status" = 'Pending', "statusMessage" = '',
      "maxAttempts" = "runCount" + COALESCE((SELECT p."maxAttempts" FROM "WebhookPolicy" p WHERE p."id" = "Task"."policyId"), ${defaultAttempts}),
      "nextAttemptAt" = ${now}, "endTime" = NULL, "updatedAt" = ${now}
    WHERE "id" IN (${Prisma.join(ids)}) AND ${fromStatuses("redeliver")}
    RETURNING "id", "executionId", "runCount", "maxAttempts"`;
  if (rows.length === 0) return [];
  // A finished task has no queue row; should one have been left behind, it is made due and unleased.
  await tx.$executeRaw`INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt")
    SELECT "id", "targetId", ${ms(now)} FROM "Task" WHERE "id" IN (${Prisma.join(rows.map((r) => Number(r.id)))})
    ON CONFLICT ("taskId") DO UPDATE SET "leaseOwner" = NULL, "dueAt" = excluded."dueAt"`;
  await tx.$executeRaw`UPDATE "Execution" SET "status" = 'Pending', "statusMessage" = '', "endTime" = NULL, "trigger" = 'MANUAL'
    WHERE "id" IN (${Prisma.join(rows.map((r) => Number(r.executionId)))})`;
  return rows.map((r) => ({
    id: Number(r.id),
    executionId: Number(r.executionId),
    runCount: Number(r.runCount),
    maxAttempts: Number(r.maxAttempts),
  }));
}
