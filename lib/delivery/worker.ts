import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { env } from "@/lib/config/env";
import { dialect, disconnectDb, getDb } from "@/lib/db/client";
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
import { deliverTask, type DeliveryEnv, type TaskOutcome } from "@/lib/delivery/deliver";
import { createRecorder, type AutoPause } from "@/lib/delivery/recorder";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { createSlackRateLimiter } from "@/lib/delivery/slack-sender";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/shared/retry-policy";
import { localWakeups, TASKS_CHANNEL } from "@/lib/db/wakeup";
import { purgeHistory } from "@/lib/delivery/retention";
import { retryBusy } from "@/lib/db/busy";
import {
  attemptDuration,
  claimsTotal,
  attemptsTotal,
  deliveryLatency,
  deliveryRegistry,
  inFlight,
} from "@/lib/metrics/delivery-metrics";

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
};

/**
 * Claims due tasks and delivers them. Concurrency is bounded overall and per target. A request
 * that stays unanswered for `slowAfterMs` moves to a slow lane: it no longer holds one of the
 * `concurrency` slots, and its target gets one delivery at a time (as does a failing target), so
 * slow or dead endpoints cannot take the worker away from healthy ones.
 */
export class DeliveryWorker {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  private running = false;
  private inFlight = new Map<number, Promise<void>>();
  /** Deliveries younger than `slowAfterMs`; only these count against `concurrency`. */
  private active = 0;
  private perTarget = new Map<number, number>();
  /**
   * Claimed tasks waiting for a slot of their target: a claim batch may hold many tasks of one
   * target (its backlog is oldest), but only `perTargetConcurrency` of them run at once (one for a
   * slow or failing target; a failing one's surplus goes back to the queue); the next claims skip a
   * target with waiting tasks, so other targets' tasks are taken meanwhile.
   */
  private held = new Map<number, { task: ClaimedTask; allowList: string[]; defaults: RetryPolicy }[]>();
  private heldCount = 0;
  private failingTargets = new Set<number>();
  /** Targets with a request unanswered past `slowAfterMs`: one delivery at a time, like failing ones, but their waiting tasks stay (a busy worker makes every target look slow). */
  private slowTargets = new Set<number>();
  private pumping = false;
  private onlyBusyDue = false;
  private pumpAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private cleanups: (() => void | Promise<void>)[] = [];
  private settingsCache: { at: number; allowList: string[]; defaults: RetryPolicy } | null = null;
  private slackLimiter = createSlackRateLimiter();
  private recorder;
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
      ...opts,
    };
    this.bytes = new ByteBudget(this.opts.byteBudget);
    this.recorder = createRecorder({
      owner: this.owner,
      autoPause: this.opts.autoPause,
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
          void renewLeases(this.owner, this.opts.leaseMs, this.inFlight.size + this.heldCount).catch((err) =>
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
    this.held.clear();
    this.heldCount = 0;
    for (const c of this.cleanups) await c();
    await Promise.race([Promise.allSettled(this.inFlight.values()), new Promise((r) => setTimeout(r, 15_000))]);
    await this.recorder.drain();
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
      const free = Math.min(this.opts.concurrency - this.active, this.opts.maxInFlight - this.inFlight.size);
      // Waiting tasks are bounded apart from those in flight: a slow target's batch must not stop the claims for the others.
      if (free <= 0 || this.heldCount >= this.opts.maxInFlight) return;
      // Backpressure: results not yet written hold their leases; let the recorder catch up.
      if (this.recorder.pending() >= this.opts.concurrency * 2) return;
      // Memory: the event data held and the deliveries in flight are at the byte budget.
      if (this.bytes.full()) return;
      // Claim in batches: while deliveries are in flight, wait until a quarter of the slots are
      // free, so each claim (and its load and its recording) serves many deliveries.
      if (this.active > 0 && free < Math.max(1, Math.floor(this.opts.concurrency / 4))) return;
      // Settings first: a failure after the claim would leave claimed tasks that nobody delivers.
      const { allowList, defaults } = await this.settings();
      const excludeTargets = this.busyTargets();
      const ids = await claimDueTasks({
        owner: this.owner,
        limit: Math.min(free, 100),
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
      // A target gets its free slots and the rest of its tasks wait here for them (claims skip it
      // meanwhile) — except for a failing target: one waits, the rest go back to the queue at
      // once (a dead target's backlog must not sit in this worker).
      // The claim took only tasks whose events' data fits the byte budget (the tasks of an event
      // share one copy); a task that cannot start yet for the budget waits with its target's.
      const surplus: ClaimedTask[] = [];
      for (const task of tasks) {
        const { event } = task.execution;
        event.eventData = this.bytes.retain(event.id, event.eventData);
        const limit = this.targetLimit(task.targetId);
        if ((this.perTarget.get(task.targetId) ?? 0) < limit && this.affordable(task))
          this.launch(task, allowList, defaults);
        else if (!this.failingTargets.has(task.targetId) || !this.held.get(task.targetId)?.length)
          this.hold(task, allowList, defaults);
        else surplus.push(task);
      }
      await this.giveBack(surplus, allowList, defaults);
      if (ids.length < Math.min(free, 100)) return;
    }
  }

  private affordable(task: ClaimedTask) {
    return this.bytes.canStart(this.bytes.deliveryCost(task.execution.event.eventData.length));
  }

  private launch(task: ClaimedTask, allowList: string[], defaults: RetryPolicy) {
    const targetId = task.targetId;
    const cost = this.bytes.deliveryCost(task.execution.event.eventData.length);
    this.bytes.start(cost);
    this.perTarget.set(targetId, (this.perTarget.get(targetId) ?? 0) + 1);
    inFlight.inc();
    this.active++;
    let slow = false;
    const slowTimer = setTimeout(() => {
      slow = true;
      this.active--;
      this.slowTargets.add(targetId);
      this.kick();
    }, this.opts.slowAfterMs);
    const deliveryEnv: DeliveryEnv = {
      allowList,
      retry: effectiveRetry(task.execution.policy, defaults),
      backoffScale: this.opts.backoffScale,
      slackLimiter: this.slackLimiter,
      worker: this.owner,
    };
    const run = deliverTask(task, deliveryEnv)
      .catch((err): TaskOutcome => {
        logger.error({ err, taskId: task.id }, "delivery crashed");
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
        this.recorder.add(outcome);
      })
      .finally(() => {
        clearTimeout(slowTimer);
        if (!slow) this.active--;
        this.inFlight.delete(task.id);
        inFlight.dec();
        this.bytes.finish(cost);
        this.bytes.release(task.execution.event.id);
        const n = (this.perTarget.get(targetId) ?? 1) - 1;
        if (n <= 0) this.perTarget.delete(targetId);
        else this.perTarget.set(targetId, n);
        this.launchHeld(targetId);
        // Bytes freed: tasks of other targets that waited for the budget may start now.
        for (const other of [...this.held.keys()]) if (other !== targetId) this.launchHeld(other);
        if ((this.perTarget.get(targetId) ?? 0) < this.targetLimit(targetId) && !this.held.has(targetId))
          this.onlyBusyDue = false;
        this.kick();
      });
    this.inFlight.set(task.id, run);
  }

  private observe(outcome: TaskOutcome, task: ClaimedTask) {
    if (outcome.kind === "postponed") return;
    const label = outcome.kind === "failed" ? (outcome.pauseTarget ? "gone" : "error") : outcome.kind;
    attemptsTotal.inc({ outcome: label, vendor: task.execution.vendorType });
    if (outcome.attempt) attemptDuration.observe(outcome.attempt.durationMs / 1000);
    if (outcome.latencyMs !== undefined) deliveryLatency.observe(outcome.latencyMs / 1000);
    if (outcome.kind === "success") {
      this.failingTargets.delete(outcome.targetId);
      this.slowTargets.delete(outcome.targetId);
    } else {
      this.failingTargets.add(outcome.targetId);
      this.trimHeld(outcome.targetId);
    }
  }

  private afterFlush(_batch: TaskOutcome[]) {
    // Room for more (backpressure released), and a retry or a postponement may be due.
    this.kick();
  }

  private targetLimit(targetId: number) {
    return this.failingTargets.has(targetId) || this.slowTargets.has(targetId) ? 1 : this.opts.perTargetConcurrency;
  }

  private hold(task: ClaimedTask, allowList: string[], defaults: RetryPolicy) {
    const list = this.held.get(task.targetId) ?? [];
    list.push({ task, allowList, defaults });
    this.held.set(task.targetId, list);
    this.heldCount++;
  }

  /**
   * Returns claimed tasks to the queue for any worker (they let go of their event's data); if that
   * fails, they are delivered from here.
   */
  private async giveBack(tasks: ClaimedTask[], allowList: string[], defaults: RetryPolicy) {
    if (tasks.length === 0) return;
    await releaseClaimed(
      this.owner,
      tasks.map((t) => t.id),
    ).then(
      () => {
        for (const t of tasks) this.bytes.release(t.execution.event.id);
      },
      (err) => {
        logger.warn({ err }, "giving back surplus tasks failed");
        for (const task of tasks) this.hold(task, allowList, defaults);
      },
    );
  }

  /** A target just failed (one delivery at a time from now on): keep one held task, give back the rest. */
  private trimHeld(targetId: number) {
    const list = this.held.get(targetId);
    if (!list || list.length <= 1) return;
    const back = list.splice(1);
    this.heldCount -= back.length;
    void this.giveBack(
      back.map((h) => h.task),
      back[0].allowList,
      back[0].defaults,
    );
  }

  /** Starts the target's held tasks while it has free slots and the byte budget allows. */
  private launchHeld(targetId: number) {
    const list = this.held.get(targetId);
    while (
      this.running &&
      list?.length &&
      (this.perTarget.get(targetId) ?? 0) < this.targetLimit(targetId) &&
      this.affordable(list[0]!.task)
    ) {
      const next = list.shift()!;
      this.heldCount--;
      this.launch(next.task, next.allowList, next.defaults);
    }
    if (list && list.length === 0) this.held.delete(targetId);
  }

  /** Targets this worker must not take more tasks for right now. */
  private busyTargets(): number[] {
    const busy = new Set(this.held.keys());
    for (const [targetId, n] of this.perTarget) {
      if (n >= this.targetLimit(targetId)) busy.add(targetId);
    }
    return [...busy];
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

/** The worker process: `npm run worker`. */
export async function runWorker() {
  const config = env();
  // The role sets worker defaults (SQLite waits with timers, lib/db/busy.ts) and labels the logs.
  if (config.HARBOR_ROLE !== "worker")
    throw new Error("A worker process needs HARBOR_ROLE=worker (npm run worker sets it)");
  const worker = new DeliveryWorker();
  await worker.start();
  let server: http.Server | undefined;
  if (config.WORKER_METRICS_PORT) {
    server = http.createServer(async (_req, res) => {
      res.setHeader("Content-Type", deliveryRegistry.contentType);
      res.end(await deliveryRegistry.metrics());
    });
    server.listen(config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST);
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down the worker");
    server?.close();
    await worker.stop();
    await disconnectDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
