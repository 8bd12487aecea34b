import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { env } from "@/lib/config/env";
import { dialect, getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { allowedNetworks, getSettings } from "@/lib/settings/settings";
import {
  claimDueTasks,
  nextDueAt,
  recoverExpiredLeases,
  releaseClaimed,
  releaseLeases,
  renewLeases,
} from "@/lib/delivery/queue";
import { loadClaimedTasks, type ClaimedTask } from "@/lib/delivery/load";
import { ByteBudget, DEFAULT_BYTE_BUDGET } from "@/lib/delivery/byte-budget";
import { DeliveryScheduler, systemTimers, type Run } from "@/lib/delivery/scheduler";
import { deliverTask, type DeliveryEnv, type TaskOutcome } from "@/lib/delivery/deliver";
import { createRecorder, type AutoPause } from "@/lib/delivery/recorder";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { createTargetRateLimits } from "@/lib/delivery/rate-limiter";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/shared/retry-policy";
import { localWakeups, TASKS_CHANNEL } from "@/lib/db/wakeup";
import { purgeHistory } from "@/lib/delivery/retention";
import { retryBusy } from "@/lib/db/busy";
import { attemptDuration, claimsTotal, attemptsTotal, deliveryLatency, inFlight } from "@/lib/metrics/delivery-metrics";
import { activeTracer } from "@/lib/tracing/tracer";
import { DeliveryTrace } from "@/lib/delivery/delivery-trace";

export type WorkerOptions = {
  concurrency: number;
  perTargetConcurrency: number;
  leaseMs: number;
  pollMs: number;
  backoffScale: number;
  autoPause: AutoPause;
  retentionEveryMs: number;
  /** A request unanswered this long moves to the slow lane and stops holding a concurrency slot. */
  slowAfterMs: number;
  /** Bound on all deliveries in flight, slow ones included. */
  maxInFlight: number;
  /** Bound on the bytes of event data held and deliveries in flight (lib/delivery/byte-budget.ts). */
  byteBudget: number;
  /** Operator alerts: at most one digest of a target's exhausted deliveries per this long (lib/delivery/alert-record.ts). */
  alertDigestMs: number;
};

/** A claimed task with the settings read before its claim, and its spans while tracing is on. */
type Claim = { task: ClaimedTask; allowList: string[]; defaults: RetryPolicy; trace?: DeliveryTrace };

/**
 * Claims due tasks and delivers them; which claimed task starts when, and how much the next claim
 * takes, is decided by its scheduler (lib/delivery/scheduler.ts: concurrency overall and per target,
 * the slow and failing lanes, the byte budget).
 */
export class DeliveryWorker {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  private running = false;
  private inFlight = new Map<number, Promise<void>>();
  private scheduler: DeliveryScheduler<Claim>;
  private pumping = false;
  private onlyBusyDue = false;
  private pumpAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private cleanups: (() => void | Promise<void>)[] = [];
  private settingsCache: { at: number; allowList: string[]; defaults: RetryPolicy } | null = null;
  private rateLimits = createTargetRateLimits();
  private recorder;
  /** Traced attempts whose outcome the recorder has not written yet, by task id. */
  private unrecorded = new Map<number, DeliveryTrace>();
  /** Event data held by claimed tasks and deliveries in flight, in bytes. */
  readonly bytes: ByteBudget;
  readonly opts: WorkerOptions;

  constructor(opts: Partial<WorkerOptions> = {}) {
    const e = env();
    this.opts = {
      concurrency: e.WORKER_CONCURRENCY,
      perTargetConcurrency: e.WORKER_PER_TARGET_CONCURRENCY,
      leaseMs: e.WORKER_LEASE_MS,
      pollMs: 1_000,
      backoffScale: e.RETRY_BACKOFF_SCALE,
      autoPause: { failures: 10, windowMs: 60 * 60_000 },
      retentionEveryMs: 5 * 60_000,
      slowAfterMs: 250,
      maxInFlight: e.WORKER_CONCURRENCY * 8,
      byteBudget: DEFAULT_BYTE_BUDGET,
      alertDigestMs: e.ALERT_DIGEST_INTERVAL_MS,
      ...opts,
    };
    this.bytes = new ByteBudget(this.opts.byteBudget);
    this.scheduler = new DeliveryScheduler<Claim>({
      limits: this.opts,
      budget: this.bytes,
      targetOf: (c) => c.task.targetId,
      sizeOf: (c) => c.task.execution.event.eventData.length,
      timers: systemTimers,
      onSlotFreed: () => this.kick(),
    });
    this.recorder = createRecorder({
      owner: this.owner,
      autoPause: this.opts.autoPause,
      digestIntervalMs: this.opts.alertDigestMs,
      onFlushed: (b) => this.afterFlush(b),
    });
  }

  async start() {
    this.running = true;
    await getDb(); // opens the database (and its write-ahead log, watched below)
    await this.subscribe();
    this.timers.push(setInterval(() => this.wake(), this.opts.pollMs));
    this.timers.push(
      setInterval(
        () =>
          void recoverExpiredLeases()
            .then((n) => n > 0 && this.wake())
            .catch((err) => logger.warn({ err }, "lease recovery failed")),
        Math.max(this.opts.pollMs, 1_000),
      ),
    );
    this.timers.push(
      setInterval(
        () =>
          void renewLeases(this.owner, this.opts.leaseMs, this.scheduler.claimed()).catch((err) =>
            logger.warn({ err }, "lease renewal failed"),
          ),
        this.opts.leaseMs / 3,
      ),
    );
    this.timers.push(
      setInterval(
        () => void retryBusy(() => purgeHistory()).catch((err) => logger.warn({ err }, "retention purge failed")),
        this.opts.retentionEveryMs,
      ),
    );
    logger.info({ owner: this.owner, ...this.opts, database: dialect() }, "delivery worker started");
    this.kick();
  }

  /** Stops claiming, lets in-flight deliveries finish (each is bounded by its timeout), writes their results, and gives back anything left. */
  async stop() {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // Held tasks are never started; releaseLeases below gives them back.
    for (const claim of this.scheduler.stop()) claim.trace?.released();
    for (const c of this.cleanups) await c();
    await Promise.race([Promise.allSettled(this.inFlight.values()), new Promise((r) => setTimeout(r, 15_000))]);
    await this.recorder.drain();
    for (const trace of this.unrecorded.values()) trace.notRecorded();
    this.unrecorded.clear();
    const released = await releaseLeases(this.owner);
    await closeDeliveryAgents();
    const claims = (await claimsTotal.get()).values.map((v) => `${v.labels.found}=${v.value}`).join(" ");
    logger.info({ owner: this.owner, released, claims, peakBudgetBytes: this.bytes.peak }, "delivery worker stopped");
  }

  /** Work may have become due (a notification, a timer): claim even if the last claim found only busy targets' tasks. */
  wake() {
    this.onlyBusyDue = false;
    this.kick();
  }

  /** Asks for a claim round soon; cheap to call often. */
  kick() {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err) => logger.error({ err }, "claiming tasks failed"))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.kick();
        }
      });
  }

  private async pump() {
    while (this.running) {
      // The last claim found nothing outside the targets this worker is busy with: claiming again
      // before one of them frees up (or a wake-up) would only repeat that, once per delivery.
      if (this.onlyBusyDue) return;
      // Slots, the byte budget, batching (lib/delivery/scheduler.ts).
      const limit = this.scheduler.claimLimit();
      if (limit === 0) return;
      // Backpressure: results not yet written hold their leases; let the recorder catch up.
      if (this.recorder.pending() >= this.opts.concurrency * 2) return;
      // Settings first: a failure after the claim would leave claimed tasks that nobody delivers.
      const { allowList, defaults } = await this.settings();
      const excludeTargets = this.scheduler.excludedTargets();
      const tracer = activeTracer();
      const claimStartedAt = tracer ? performance.now() : 0;
      const ids = await claimDueTasks({
        owner: this.owner,
        limit,
        leaseMs: this.opts.leaseMs,
        excludeTargets,
        bytes: {
          remaining: this.bytes.limit - this.bytes.used(),
          holds: (eventId) => this.bytes.known(eventId) !== undefined,
          empty: this.bytes.used() === 0,
        },
      });
      claimsTotal.inc({ found: ids.length > 0 ? "yes" : "no" });
      if (ids.length === 0) {
        if (excludeTargets.length > 0) this.onlyBusyDue = true;
        else await this.armIdleTimer();
        return;
      }
      let tasks: ClaimedTask[];
      try {
        tasks = await loadClaimedTasks(ids, (eventId) => this.bytes.known(eventId));
      } catch (err) {
        // Give the claim back (its leases would otherwise be renewed while other work is in flight).
        await releaseClaimed(this.owner, ids).catch(() => undefined);
        throw err;
      }
      const round = tracer && { tracer, startedAt: claimStartedAt, loadedAt: performance.now(), tasks: tasks.length };
      // The claim took only tasks whose events' data fits the byte budget (the tasks of an event
      // share one copy); a task's data counts in the budget before the scheduler weighs its delivery.
      const surplus: Claim[] = [];
      for (const task of tasks) {
        const { event } = task.execution;
        event.eventData = this.bytes.retain(event.id, event.eventData);
        const claim: Claim = {
          task,
          allowList,
          defaults,
          trace: round && new DeliveryTrace(task, round),
        };
        const admission = this.scheduler.admit(claim);
        if (admission.kind === "start") this.launch(admission.run);
        else if (admission.kind === "giveBack") surplus.push(claim);
      }
      await this.giveBack(surplus);
      if (ids.length < limit) return;
    }
  }

  private launch(run: Run<Claim>) {
    const { task, allowList, defaults, trace } = run.item;
    const targetId = task.targetId;
    inFlight.inc();
    const deliveryEnv: DeliveryEnv = {
      allowList,
      retry: effectiveRetry(task.execution.policy, defaults),
      backoffScale: this.opts.backoffScale,
      rateLimits: this.rateLimits,
      externalUrl: env().EXTERNAL_URL,
      worker: this.owner,
      trace,
    };
    const sending = deliverTask(task, deliveryEnv)
      .catch((err): TaskOutcome => {
        logger.error({ err, taskId: task.id }, "delivery crashed");
        trace?.crashed(err);
        const msg = `internal error: ${(err as Error).message}`;
        return {
          taskId: task.id,
          executionId: task.executionId,
          targetId,
          kind: "postponed",
          reason: msg,
          runCount: task.runCount,
          retryAt: new Date(Date.now() + 30_000),
          logs: [{ at: new Date(), level: "ERROR", message: msg }],
        };
      })
      .then((outcome) => {
        this.observe(outcome, task);
        if (trace) {
          trace.recordingOutcome(outcome);
          this.unrecorded.set(task.id, trace);
        }
        this.recorder.add(outcome);
      })
      .finally(() => {
        this.inFlight.delete(task.id);
        inFlight.dec();
        this.bytes.release(task.execution.event.id);
        // Slots and bytes freed: waiting tasks of this target, then of others, may start now.
        for (const next of this.scheduler.finish(run)) this.launch(next);
        if (!this.scheduler.excludes(targetId)) this.onlyBusyDue = false;
        this.kick();
      });
    this.inFlight.set(task.id, sending);
  }

  private observe(outcome: TaskOutcome, task: ClaimedTask) {
    if (outcome.kind === "postponed") return;
    const label = outcome.kind === "failed" ? (outcome.pauseTarget ? "gone" : "error") : outcome.kind;
    attemptsTotal.inc({ outcome: label, vendor: task.execution.vendorType });
    if (outcome.attempt) attemptDuration.observe(outcome.attempt.durationMs / 1000);
    if (outcome.latencyMs !== undefined) deliveryLatency.observe(outcome.latencyMs / 1000);
    void this.giveBack(this.scheduler.outcome(outcome.targetId, outcome.kind === "success"));
  }

  private afterFlush(batch: TaskOutcome[]) {
    if (this.unrecorded.size > 0) {
      for (const outcome of batch) {
        this.unrecorded.get(outcome.taskId)?.recorded(batch.length);
        this.unrecorded.delete(outcome.taskId);
      }
    }
    // Room for more (backpressure released), and a retry or a postponement may be due.
    this.kick();
  }

  /**
   * Returns claimed tasks to the queue for any worker (they let go of their event's data); if that
   * fails, they are delivered from here.
   */
  private async giveBack(claims: Claim[]) {
    if (claims.length === 0) return;
    const tasks = claims.map((c) => c.task);
    await releaseClaimed(
      this.owner,
      tasks.map((t) => t.id),
    ).then(
      () => {
        for (const t of tasks) this.bytes.release(t.execution.event.id);
        for (const c of claims) c.trace?.released();
      },
      (err) => {
        logger.warn({ err }, "giving back surplus tasks failed");
        for (const claim of claims) this.scheduler.hold(claim);
      },
    );
  }

  private async armIdleTimer() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const due = await nextDueAt();
    if (!due) return;
    const wait = Math.max(5, Math.min(due.getTime() - Date.now(), this.opts.pollMs));
    this.idleTimer = setTimeout(() => this.wake(), wait);
  }

  private async settings() {
    const now = Date.now();
    if (!this.settingsCache || now - this.settingsCache.at > 5_000) {
      const s = await getSettings();
      this.settingsCache = {
        at: now,
        allowList: allowedNetworks(s),
        defaults: { ...DEFAULT_RETRY_POLICY, maxAttempts: s.maxAttempts, timeoutMs: s.httpTimeoutMs },
      };
    }
    return this.settingsCache;
  }

  /** Wake-ups: in-process events, PostgreSQL NOTIFY, or writes to the SQLite write-ahead log. */
  private async subscribe() {
    const onDue = () => this.wake();
    localWakeups.on("due", onDue);
    this.cleanups.push(() => void localWakeups.off("due", onDue));
    const { database } = env();
    if (database.provider === "postgresql") {
      await this.listen(database.url, onDue);
    } else {
      const wal = `${database.file}-wal`;
      if (fs.existsSync(wal)) {
        const watcher = fs.watch(wal, { persistent: false }, onDue);
        watcher.on("error", () => undefined);
        this.cleanups.push(() => watcher.close());
      }
    }
  }

  /**
   * LISTEN on its own connection. When that connection drops (server restart, a terminated
   * backend), it is opened again with backoff; meanwhile polling keeps deliveries going, and a
   * claim round after the reconnect catches up on notifications missed in between.
   */
  private async listen(url: string, onDue: () => void) {
    const { Client } = await import("pg");
    let client: InstanceType<typeof Client> | null = null;
    let retry: NodeJS.Timeout | null = null;
    let closed = false;
    let failures = 0;
    const connect = async (): Promise<void> => {
      const c = new Client({ connectionString: url });
      client = c;
      let lost = false;
      const onLost = (err?: Error) => {
        if (lost || closed) return;
        lost = true;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
        logger.warn({ err, retryInMs: wait }, "LISTEN connection lost; polling until it is back");
        c.end().catch(() => undefined);
        retry = setTimeout(() => void connect().catch(() => undefined), wait);
      };
      c.on("error", onLost);
      c.on("end", () => onLost());
      c.on("notification", onDue);
      try {
        await c.connect();
        await c.query(`LISTEN ${TASKS_CHANNEL}`);
      } catch (err) {
        onLost(err as Error);
        throw err;
      }
      if (failures > 0) {
        logger.info({ afterFailures: failures }, "LISTEN connection restored");
        failures = 0;
        onDue();
      }
    };
    this.cleanups.push(() => {
      closed = true;
      if (retry) clearTimeout(retry);
      return client?.end().catch(() => undefined);
    });
    await connect();
  }
}

function effectiveRetry(
  policy: {
    maxAttempts: number | null;
    backoffBaseMs: number | null;
    backoffCapMs: number | null;
    timeoutMs: number | null;
  },
  defaults: RetryPolicy,
): RetryPolicy {
  const backoffBaseMs = policy.backoffBaseMs ?? defaults.backoffBaseMs;
  return {
    maxAttempts: policy.maxAttempts ?? defaults.maxAttempts,
    backoffBaseMs,
    backoffCapMs: Math.max(policy.backoffCapMs ?? defaults.backoffCapMs, backoffBaseMs),
    timeoutMs: policy.timeoutMs ?? defaults.timeoutMs,
  };
}
