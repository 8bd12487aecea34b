import { Agent, request } from "undici";
import { resetEnvCache } from "../../lib/config/env";
import { getDb } from "../../lib/db/client";
import { notifyWorkers } from "../../lib/db/wakeup";
import { ingestEvent } from "../../lib/events/ingest";
import { sampleEvent } from "../../lib/events/samples";
import { buildDefaultPayload } from "../../lib/formats";
import { createPolicy } from "../../lib/policies/service";
import { requireProject } from "../../lib/auth/access";
import { policyInputSchema } from "../../lib/shared/policy-input";
import { startTracing } from "../../lib/tracing/start";
import { startReceiver, startReceiverProcess } from "./receiver";
import {
  dbLabel,
  freshDatabase,
  nowMs,
  percentile,
  sleep,
  cpuAccount,
  freePort,
  memoryScraper,
  startWorkers,
  stopAllWorkers,
  waitFor,
  type DbKind,
} from "./harness";
import { seedBacklog } from "./seed";

export const ADMIN = { kind: "user" as const, userId: 1, username: "admin", sysadmin: true };

export type Row = { figure: string; value: string; baseline: string; target: string; pass: boolean | null };

/** A project with `n` policies, each with one HTTP target at `${base}/t{i}`. */
export async function setupTargets(n: number, base: string, prefix = "t") {
  const db = await getDb();
  const project = await db.project.create({ data: { name: `bench-${Date.now()}` } });
  for (let i = 0; i < n; i++) {
    const input = policyInputSchema.parse({
      name: `p${i}`,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: `${base}/${prefix}${i}`, payload_format: "Default" }],
    });
    await createPolicy(await requireProject(ADMIN, project.id, "webhook.manage"), input);
  }
  return project;
}

async function ingestMany(projectId: number, count: number) {
  for (let i = 0; i < count; i++) await ingestEvent({ projectId, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
}

/** Runs `fn` with tracing on in this process (the variables set meanwhile), its spans exported after. */
async function withTracing(vars: Record<string, string>, fn: () => Promise<void>) {
  Object.assign(process.env, vars);
  resetEnvCache();
  const tracing = await startTracing("web");
  try {
    await fn();
  } finally {
    await tracing.shutdown();
    for (const name of Object.keys(vars)) delete process.env[name];
    resetEnvCache();
  }
}

async function successCount() {
  const db = await getDb();
  return db.task.count({ where: { status: "Success" } });
}

/**
 * The backlog waits in the queue, due in a far future no worker claims, while the workers start,
 * and becomes due at once: every worker is listening when the clock starts, none gets a head start.
 */
const HOLD_MS = 1_000_000_000_000; // about 32 years
async function holdBacklog() {
  const db = await getDb();
  await db.$executeRawUnsafe(`UPDATE "QueueItem" SET "dueAt" = "dueAt" + ${HOLD_MS} WHERE "leaseOwner" IS NULL`);
}
async function releaseBacklog() {
  const db = await getDb();
  await db.$executeRawUnsafe(
    `UPDATE "QueueItem" SET "dueAt" = "dueAt" - ${HOLD_MS} WHERE "leaseOwner" IS NULL AND "dueAt" > ${Date.now() + HOLD_MS / 2}`,
  );
  await notifyWorkers();
}

/** Raw undici POSTs of the same bodies to the same receiver, `concurrency` at a time; returns ms. */
export async function rawPosts(urls: string[], body: string, concurrency: number) {
  const agent = new Agent({ connections: 32, keepAliveTimeout: 60_000 });
  let next = 0;
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++];
        const res = await request(url, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
          dispatcher: agent,
        });
        await res.body.text();
      }
    }),
  );
  const ms = nowMs() - t0;
  await agent.close();
  return ms;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Recorded deliveries/s with `workers` workers vs raw POSTs/s to the same receiver. With
 * `otlpEndpoint`, tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT) for the ingest here and in the workers.
 */
export async function throughput(
  kind: DbKind,
  workers: number,
  opts: { targets: number; events: number; cpuProfileDir?: string; otlpEndpoint?: string },
): Promise<{ rows: Row[]; perSec: number; ratio: number; cpu: string; cpuMsPerDelivery: number }> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  try {
    const project = await setupTargets(opts.targets, rx.base);
    const otel = opts.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlpEndpoint } : undefined;
    if (otel) await withTracing(otel, () => ingestMany(project.id, opts.events));
    else await ingestMany(project.id, opts.events);
    const total = opts.targets * opts.events;
    await holdBacklog();
    const procs = await startWorkers(workers, { cpuProfileDir: opts.cpuProfileDir, env: otel });
    const cpu = cpuAccount(() => procs.map((p) => p.child.pid!));
    const t0 = nowMs();
    await releaseBacklog();
    await waitFor(async () => (await successCount()) >= total, 600_000, 50);
    const ms = nowMs() - t0;
    const cpuUse = cpu.stop();
    await Promise.all(procs.map((p) => p.stop()));
    const perSec = (total / ms) * 1000;

    const body = buildDefaultPayload(sampleEvent("PUSH_ARTIFACT")).body;
    const urls = Array.from({ length: total }, (_, i) => `${rx.base}/t${i % opts.targets}`);
    const rawPerSec = (total / (await rawPosts(urls, body, 64))) * 1000;
    const ratio = perSec / rawPerSec;
    const label = `${dbLabel(kind)}, ${plural(workers, "worker")}`;
    const target = kind === "sqlite" ? 0.5 : workers === 2 ? 0.6 : null;
    return {
      perSec,
      ratio,
      cpu: cpuUse,
      cpuMsPerDelivery: (cpu.workerSeconds() * 1000) / total,
      rows: [
        {
          figure: `Throughput, ${label} (${total.toLocaleString("en")} deliveries, ${opts.targets} targets)`,
          value: `${perSec.toFixed(0)} deliveries/s (ratio ${ratio.toFixed(2)})`,
          baseline: `${rawPerSec.toFixed(0)} raw POSTs/s`,
          target: target === null ? "" : `ratio ≥ ${target}`,
          pass: target === null ? null : ratio >= target,
        },
      ],
    };
  } finally {
    await stopAllWorkers();
    await rx.close();
    await cleanup();
  }
}

/**
 * Event accepted (ingestEvent committed and workers notified) → request at the receiver, at a
 * steady `rate` events/s for `seconds`, one policy with one target, after one second at the same
 * rate that is not measured (JIT, first connections and caches warm up: the steady state is what
 * a running service shows). The receiver runs in a process of its own so the ingesting benchmark
 * process does not delay its clock.
 */
export async function latency(
  kind: DbKind,
  rate: number,
  seconds: number,
  opts: { cpuProfileDir?: string } = {},
): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiverProcess();
  const accepted = new Map<number, number>();
  try {
    const project = await setupTargets(1, rx.base);
    const [worker] = await startWorkers(1, { cpuProfileDir: opts.cpuProfileDir });
    await sleep(500);
    const db = await getDb();
    const warmup = rate;
    const total = Math.round(rate * seconds);
    // Open loop on a fixed schedule, at most MAX_INGESTS in flight (like a web process's pool):
    // when ingest cannot keep up, the achieved rate is reported rather than a pile-up of transactions.
    const MAX_INGESTS = 8;
    let inFlight = 0;
    let freed: (() => void) | null = null;
    const t0 = nowMs();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < warmup + total; i++) {
      const wait = t0 + (i * 1000) / rate - nowMs();
      if (wait > 1) await sleep(wait);
      while (inFlight >= MAX_INGESTS) await new Promise<void>((r) => (freed = r));
      inFlight++;
      pending.push(
        ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" })
          .then((r) => {
            if (r.status === "accepted" && i >= warmup) accepted.set(r.eventId, nowMs());
          })
          .finally(() => {
            inFlight--;
            const f = freed;
            freed = null;
            f?.();
          }),
      );
    }
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const offeredS = (nowMs() - t0) / 1000 - warmup / rate;
    await waitFor(async () => rx.count() >= warmup + total, 120_000);
    await worker.stop();
    const arrivals = await rx.collect();
    // Map each arrival to its event through the task's webhook-id.
    const tasks = await db.task.findMany({ select: { webhookId: true, execution: { select: { eventId: true } } } });
    const eventOf = new Map(tasks.map((t) => [t.webhookId, t.execution.eventId]));
    const lat = arrivals
      .map((a) => a.at - (accepted.get(eventOf.get(a.webhookId!)!) ?? NaN))
      .filter((v) => Number.isFinite(v));
    const p50 = percentile(lat, 50),
      p95 = percentile(lat, 95),
      p99 = percentile(lat, 99);
    const gated = rate === 200;
    return [
      {
        figure: `Latency accepted → received, ${dbLabel(kind)}, ${rate} events/s (${total.toLocaleString("en")} events${offeredS > seconds * 1.1 ? `; ingest managed ${(total / offeredS).toFixed(0)}/s` : ""})`,
        value: `p50 ${p50.toFixed(1)} ms · p95 ${p95.toFixed(1)} ms · p99 ${p99.toFixed(1)} ms`,
        baseline: "—",
        target: gated ? (kind === "sqlite" ? "p50 ≤ 5 ms, p99 ≤ 50 ms" : "p99 ≤ 50 ms") : "",
        pass: gated ? p99 <= 50 && (kind !== "sqlite" || p50 <= 5) : null,
      },
    ];
  } finally {
    await stopAllWorkers();
    await rx.close();
    await cleanup();
  }
}

/** Healthy targets' throughput when half the targets accept connections and never answer. */
export async function isolation(kind: DbKind, opts: { healthy: number; events: number }): Promise<Row[]> {
  const run = async (blackHoled: number) => {
    const cleanup = await freshDatabase(kind);
    const rx = await startReceiver();
    // Dead endpoints are other hosts in real life: a second receiver that accepts and never answers.
    const dead = await startReceiver({ blackHole: () => true });
    try {
      const project = await setupTargets(opts.healthy, rx.base);
      for (let i = 0; i < blackHoled; i++) {
        await createPolicy(
          await requireProject(ADMIN, project.id, "webhook.manage"),
          policyInputSchema.parse({
            name: `dead${i}`,
            event_types: ["PUSH_ARTIFACT"],
            targets: [{ type: "http", address: `${dead.base}/dead${i}` }],
          }),
        );
      }
      await ingestMany(project.id, opts.events);
      const healthyTotal = opts.healthy * opts.events;
      await holdBacklog();
      const [worker] = await startWorkers(1);
      const t0 = nowMs();
      await releaseBacklog();
      await waitFor(async () => rx.arrivals.length >= healthyTotal, 600_000, 20);
      const ms = nowMs() - t0;
      await worker.stop();
      return (healthyTotal / ms) * 1000;
    } finally {
      await stopAllWorkers();
      await rx.close();
      await dead.close();
      await cleanup();
    }
  };
  const healthyOnly = await run(0);
  const withDead = await run(opts.healthy);
  const ratio = withDead / healthyOnly;
  return [
    {
      figure: `Isolation, ${dbLabel(kind)}: healthy throughput with ${opts.healthy} of ${opts.healthy * 2} targets black-holed`,
      value: `${withDead.toFixed(0)} deliveries/s (${(ratio * 100).toFixed(0)}%)`,
      baseline: `${healthyOnly.toFixed(0)}/s all healthy`,
      target: "≥ 80%",
      pass: ratio >= 0.8,
    },
  ];
}

/**
 * A backlog after an outage (bulk-seeded: `events` events × `targets` policies, all Pending and
 * due), drained by `workers` workers: time from the workers being up to the last recorded
 * success, and each worker's peak memory.
 */
export async function backlog(
  kind: DbKind,
  opts: { targets: number; events: number; workers: number; cpuProfileDir?: string },
): Promise<{ rows: Row[]; memory: string }> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  try {
    const project = await setupTargets(opts.targets, rx.base);
    const total = opts.targets * opts.events;
    const s0 = nowMs();
    await seedBacklog(project.id, opts.events);
    const seededS = (nowMs() - s0) / 1000;
    const db = await getDb();
    const seeded = await db.task.count({ where: { status: "Pending" } });
    if (seeded !== total) throw new Error(`seeded ${seeded} tasks, expected ${total}`);
    await holdBacklog();
    // The first worker serves /metrics, sampled for where its memory goes.
    const port = await freePort();
    const workers = [
      ...(await startWorkers(1, { cpuProfileDir: opts.cpuProfileDir, env: { WORKER_METRICS_PORT: String(port) } })),
      ...(await startWorkers(opts.workers - 1)),
    ];
    const memory = memoryScraper(port);
    const t0 = nowMs();
    await releaseBacklog();
    await waitFor(async () => (await successCount()) >= total / 2, 1_800_000, 250);
    const half = nowMs();
    await waitFor(async () => (await successCount()) >= total, 1_800_000, 250);
    const ms = nowMs() - t0;
    memory.stop();
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
    const peak = Math.max(...workers.map((w) => w.peakRss())) / 2 ** 20;
    const growth = `peak RSS while the first half of the backlog drained ${mb(Math.max(...workers.map((w) => w.peakRss(t0, half))))}, during the second half ${mb(Math.max(...workers.map((w) => w.peakRss(half))))}`;
    await Promise.all(workers.map((w) => w.stop()));
    const label = `${dbLabel(kind)}, ${plural(opts.workers, "worker")}`;
    return {
      memory: `Worker memory, backlog drain, ${label}: ${growth}; ${memory.describe()}.`,
      rows: [
        {
          figure: `Backlog drain, ${label}: ${total.toLocaleString("en")} due tasks after an outage (seeded in ${seededS.toFixed(0)} s)`,
          value: `${(ms / 1000).toFixed(1)} s (${((total / ms) * 1000).toFixed(0)}/s); peak RSS ${peak.toFixed(0)} MB${opts.workers > 1 ? " per worker (max)" : ""}`,
          baseline: "—",
          target: "RSS ≤ 250 MB",
          pass: peak <= 250,
        },
      ],
    };
  } finally {
    await stopAllWorkers();
    await rx.close();
    await cleanup();
  }
}
