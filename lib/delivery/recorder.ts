import { env } from "@/lib/config/env";
import { retryBusy } from "@/lib/db/busy";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { storableText, storableTextOrNull } from "@/lib/db/text";
import { driverDate, rawTransaction, type RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { targetHealth, type AttemptRecord, type LogLine, type TaskOutcome } from "@/lib/delivery/outcome";
import { countStoppedAttempt, finish } from "@/lib/delivery/task-state";
import { encodeAttemptLog } from "@/lib/shared/attempt-log";
import { logger } from "@/lib/log/logger";
import { upsertRollups } from "@/lib/delivery/rollup";
import { recordExhausted, recordStateChange, type StateChange } from "@/lib/delivery/alert-record";

export type AutoPause = { failures: number; windowMs: number };

/**
 * Writes delivery outcomes in batches: one transaction for many tasks keeps the database from
 * being the bottleneck. Only tasks still leased to this worker are updated, so a task stopped or
 * deleted meanwhile keeps its new state. A task stopped while its request was in flight keeps
 * Stopped, but its attempt is recorded: the request was sent, so the history says so. A crash before a flush loses no task: its lease expires
 * and it is delivered again with the same webhook-id.
 */
export function createRecorder(opts: {
  owner: string;
  autoPause: AutoPause;
  /** operator alerts: at most one digest of a target's exhausted deliveries per this long (lib/alerts); default ALERT_DIGEST_INTERVAL_MS */
  digestIntervalMs?: number;
  maxBatch?: number;
  onFlushed?: (outcomes: TaskOutcome[]) => void;
}) {
  let queue: TaskOutcome[] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const maxBatch = opts.maxBatch ?? 200;
  const digestIntervalMs = opts.digestIntervalMs ?? env().ALERT_DIGEST_INTERVAL_MS;

  async function write(batch: TaskOutcome[]) {
    await retryBusy(() =>
      rawTransaction(async (tx) => {
        const live = await finish(tx, opts.owner, batch);
        await recordStoppedInFlight(
          tx,
          batch.filter((o) => !live.has(o.taskId)),
        );
        const mine = batch.filter((o) => live.has(o.taskId));
        if (mine.length === 0) return;
        await insertAttempts(tx, mine);
        await insertLogs(tx, mine);
        // The digests first: a pause of this batch takes in its target's digest.
        await recordExhausted(tx, mine, { digestIntervalMs });
        for (const pause of await updateTargets(tx, mine, opts.autoPause)) await recordStateChange(tx, pause);
        await upsertRollups(tx, mine);
      }),
    );
  }

  /** Consecutive failed writes; the next try waits longer (the database may be restarting). */
  let failures = 0;

  /**
   * A batch the database refused for what it carries (not for being unavailable): each outcome
   * alone, so the others are recorded; one that still fails ends its task in Error with the
   * reason (failed also when the database is unavailable: the caller keeps what is left and retries).
   */
  async function writeOneByOne(batch: TaskOutcome[]) {
    for (const [i, outcome] of batch.entries()) {
      try {
        await write([outcome]);
      } catch (err) {
        if (isDatabaseUnavailable(err)) {
          queue = [...batch.slice(i), ...queue];
          throw err;
        }
        logger.error({ err, taskId: outcome.taskId }, "a delivery result could not be written; its task ends in Error");
        try {
          await write([unrecordable(outcome, err)]);
        } catch (again) {
          queue = [...batch.slice(i), ...queue];
          throw again;
        }
      }
    }
  }

  async function flushNow() {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await write(batch);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) {
          await writeOneByOne(batch).catch((e) => {
            failures++;
            throw e;
          });
          failures = 0;
          opts.onFlushed?.(batch);
          continue;
        }
        // Keep the outcomes (their tasks stay leased to this worker and renewed) and try again:
        // dropping them would leave those tasks Running until the worker exits.
        queue = [...batch, ...queue];
        failures++;
        throw err;
      }
      failures = 0;
      opts.onFlushed?.(batch);
    }
  }

  const retryDelay = () => Math.min(5_000, 100 * 2 ** Math.min(failures, 6));

  function schedule(delay = queue.length >= maxBatch ? 0 : 5) {
    if (timer || flushing) return;
    timer = setTimeout(() => {
      timer = null;
      flushing = flushNow()
        .catch((err) =>
          logger.warn(
            { err, pending: queue.length, retryInMs: retryDelay() },
            "writing delivery results failed; retrying",
          ),
        )
        .finally(() => {
          flushing = null;
          if (queue.length) schedule(failures > 0 ? retryDelay() : undefined);
        });
    }, delay);
  }

  return {
    add(outcome: TaskOutcome) {
      queue.push(storableOutcome(outcome));
      schedule();
    },
    pending: () => queue.length,
    /**
     * Waits until everything added so far is written. Gives up after `maxTries` failed writes in a
     * row (shutdown with the database gone): those tasks are delivered again once their leases expire.
     */
    async drain(maxTries = 5) {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      let tries = 0;
      while (flushing || queue.length) {
        if (flushing) await flushing;
        else {
          flushing = flushNow().finally(() => (flushing = null));
          try {
            await flushing;
          } catch (err) {
            if (++tries >= maxTries) {
              logger.error(
                { err, pending: queue.length },
                "delivery results not written; their tasks will be delivered again after the lease",
              );
              return;
            }
            await new Promise((r) => setTimeout(r, retryDelay()));
          }
        }
      }
    },
  };
}

type Tx = RawRunner;

/**
 * Attempts whose task was stopped while the request was in flight. Stopping does not abort the
 * request (it may already be on the receiver's side), so the worker waits for its answer and it is
 * recorded here: the attempt, the run count, the log lines up to the request and one line saying
 * what came back. The task stays Stopped. Only when the stopped task's run count is the one this
 * attempt started from (no other attempt was recorded meanwhile); a task redelivered after the
 * stop (no longer Stopped) keeps its new state.
 */
async function recordStoppedInFlight(tx: Tx, outcomes: TaskOutcome[]) {
  const attempted = outcomes.flatMap((o) => (o.kind !== "postponed" && o.attempt ? [{ o, attempt: o.attempt }] : []));
  if (attempted.length === 0) return;
  const rows = await tx.query<{ id: number | bigint; runCount: number | bigint }>(
    Prisma.sql`SELECT "id", "runCount" FROM "Task" WHERE "id" IN (${Prisma.join(attempted.map(({ o }) => o.taskId))}) AND "status" = 'Stopped'`,
  );
  const stopped = new Map(rows.map((r) => [Number(r.id), Number(r.runCount)]));
  const recorded: TaskOutcome[] = [];
  for (const { o, attempt } of attempted.filter(({ o }) => stopped.get(o.taskId) === o.runCount - 1)) {
    if (await countStoppedAttempt(tx, o.taskId, o.runCount))
      recorded.push({ ...o, logs: stoppedInFlightLogs(o, attempt) });
  }
  if (recorded.length === 0) return;
  await insertAttempts(tx, recorded);
}

/** The outcome's log lines up to the request, then what came back (no retry is scheduled: the task is stopped). */
export function stoppedInFlightLogs(o: TaskOutcome, a: AttemptRecord): LogLine[] {
  const resultAt = o.logs.findIndex((l) => /^(success|failed) to run webhook job/.test(l.message));
  const before = resultAt < 0 ? o.logs : o.logs.slice(0, resultAt);
  const endedAt = new Date(a.startedAt.getTime() + a.durationMs);
  return [
    ...before,
    { at: endedAt, level: "WARNING", message: `stopped while a request was in flight: ${sentText(a)}` },
  ];
}

function sentText(a: AttemptRecord): string {
  if (a.responseStatus !== undefined && a.responseStatus !== null)
    return `the request was sent; response code ${a.responseStatus} (recorded, not retried: the task is stopped)`;
  return `the request was attempted; no response: ${a.error ?? "unknown error"} (not retried: the task is stopped)`;
}

/** One Attempt row per attempt, carrying the attempt's log lines (lib/shared/attempt-log.ts). */
async function insertAttempts(tx: Tx, outcomes: TaskOutcome[]) {
  const rows = outcomes.flatMap((o) => {
    if (o.kind === "postponed" || !o.attempt) return [];
    const a = o.attempt;
    return [
      Prisma.sql`(${o.taskId}, ${a.number}, ${a.startedAt}, ${a.durationMs}, ${a.responseStatus ?? null}, ${a.responseExcerpt ?? null}, ${a.error ?? null}, ${a.requestHeaders}, ${encodeAttemptLog(o.logs)})`,
    ];
  });
  if (rows.length === 0) return;
  await tx.execute(
    Prisma.sql`INSERT INTO "Attempt" ("taskId", "number", "startedAt", "durationMs", "responseStatus", "responseExcerpt", "error", "requestHeaders", "log") VALUES ${Prisma.join(rows)}`,
  );
}

/** TaskLog rows for the lines of outcomes without an attempt (a postponement, an unrecordable result). */
async function insertLogs(tx: Tx, outcomes: TaskOutcome[]) {
  const rows = outcomes
    .filter((o) => o.kind === "postponed" || !o.attempt)
    .flatMap((o) => o.logs.map((l) => Prisma.sql`(${o.taskId}, ${l.at}, ${l.level}, ${l.message})`));
  if (rows.length === 0) return;
  await tx.execute(Prisma.sql`INSERT INTO "TaskLog" ("taskId", "at", "level", "message") VALUES ${Prisma.join(rows)}`);
}

/**
 * Failure counting per target: reset on success; past the threshold inside the window, pause.
 * Returns the pauses made (an active target paused): each is told to people (lib/alerts). A target
 * already paused (by a person, or by a result written just before) keeps its reason and time.
 */
async function updateTargets(tx: Tx, outcomes: TaskOutcome[], autoPause: AutoPause): Promise<StateChange[]> {
  const now = new Date();
  const byTarget = new Map<number, TaskOutcome[]>();
  for (const o of outcomes) byTarget.set(o.targetId, [...(byTarget.get(o.targetId) ?? []), o]);
  const healthy: number[] = [];
  const pauses: StateChange[] = [];
  const paused = (targetId: number, cause: "failures" | "gone", reason: string) =>
    pauses.push({ kind: "target_paused", targetId, cause, reason, operator: "", at: now });
  for (const [targetId, list] of byTarget) {
    const gone = list.find((o) => o.kind === "failed" && o.pauseTarget);
    if (gone?.kind === "failed" && gone.pauseTarget) {
      const changed = await tx.execute(
        Prisma.sql`UPDATE "WebhookTarget" SET "status" = 'paused', "pausedReason" = ${gone.pauseTarget}, "pausedAt" = ${now}, "updatedAt" = ${now} WHERE "id" = ${targetId} AND "status" = 'active'`,
      );
      if (changed > 0) paused(targetId, "gone", gone.pauseTarget);
      continue;
    }
    const failed = [...list].reverse().find((o) => o.kind === "failed");
    if (failed?.kind === "failed")
      await tx.execute(
        Prisma.sql`UPDATE "WebhookTarget" SET "lastFailureReason" = ${failed.reason} WHERE "id" = ${targetId}`,
      );
    const last = [...list].reverse().find((o) => targetHealth(o));
    if (!last) continue;
    if (targetHealth(last) === "ok") {
      healthy.push(targetId);
      continue;
    }
    const exhausted = list.filter((o) => targetHealth(o) === "exhausted").length;
    const [target] = await tx.query<{ consecutiveFailures: number | bigint; firstFailureAt: unknown; status: string }>(
      Prisma.sql`SELECT "consecutiveFailures", "firstFailureAt", "status" FROM "WebhookTarget" WHERE "id" = ${targetId}`,
    );
    if (!target) continue;
    const failures = Number(target.consecutiveFailures) + exhausted;
    const since = target.firstFailureAt ? driverDate(target.firstFailureAt) : now;
    const pause =
      target.status === "active" &&
      failures >= autoPause.failures &&
      now.getTime() - since.getTime() >= autoPause.windowMs;
    const reason = `paused automatically: ${failures} deliveries in a row failed after all retries since ${since.toISOString()}`;
    const pausing = pause
      ? Prisma.sql`, "status" = 'paused', "pausedAt" = ${now}, "pausedReason" = ${reason}`
      : Prisma.empty;
    await tx.execute(
      Prisma.sql`UPDATE "WebhookTarget" SET "consecutiveFailures" = ${failures}, "firstFailureAt" = ${since}, "updatedAt" = ${now} ${pausing} WHERE "id" = ${targetId}`,
    );
    if (pause) paused(targetId, "failures", reason);
  }
  // One statement resets every target that answered well (most batches have only these) and
  // stamps its last success.
  if (healthy.length) {
    await tx.execute(
      Prisma.sql`UPDATE "WebhookTarget" SET "consecutiveFailures" = 0, "firstFailureAt" = NULL, "lastSuccessAt" = ${now} WHERE "id" IN (${Prisma.join(healthy)})`,
    );
  }
  return pauses;
}

/** The outcome with every text it writes made storable (lib/db/text.ts). */
export function storableOutcome(o: TaskOutcome): TaskOutcome {
  const logs = o.logs.map((l) => ({ ...l, level: storableText(l.level), message: storableText(l.message) }));
  switch (o.kind) {
    case "success":
      return { ...o, logs, attempt: storableAttempt(o.attempt) };
    case "retry":
      return { ...o, logs, reason: storableText(o.reason), attempt: storableAttempt(o.attempt) };
    case "failed":
      return {
        ...o,
        logs,
        reason: storableText(o.reason),
        ...(o.attempt ? { attempt: storableAttempt(o.attempt) } : {}),
        ...(o.pauseTarget !== undefined ? { pauseTarget: storableText(o.pauseTarget) } : {}),
      };
    case "postponed":
      return { ...o, logs, reason: storableText(o.reason) };
  }
}

function storableAttempt(a: AttemptRecord): AttemptRecord {
  return {
    ...a,
    responseExcerpt: storableTextOrNull(a.responseExcerpt) ?? undefined,
    error: storableTextOrNull(a.error) ?? undefined,
    requestHeaders: storableText(a.requestHeaders),
  };
}

/**
 * What is recorded for an outcome the database refused: the task ends in Error saying so, with
 * no attempt row or response (the values that failed); the delivery may well have been made.
 */
function unrecordable(o: TaskOutcome, err: unknown): TaskOutcome {
  const firstLine = String((err as Error)?.message ?? err).split("\n")[0] ?? "";
  const why = storableText(firstLine.slice(0, 300));
  const message = `the result of attempt ${o.runCount} could not be recorded (${why}); not retried`;
  const now = new Date();
  return {
    taskId: o.taskId,
    executionId: o.executionId,
    targetId: o.targetId,
    kind: "failed",
    reason: message,
    runCount: o.runCount,
    endTime: now,
    exhausted: false,
    logs: [{ at: now, level: "ERROR", message }],
  };
}
