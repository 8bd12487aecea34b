import { Agent, request } from "undici";
import { getDb } from "../../lib/db/client";
import { ingestEvent } from "../../lib/events/ingest";
import { sampleEvent } from "../../lib/events/samples";
import { buildDefaultPayload } from "../../lib/formats";
import { createPolicy } from "../../lib/policies/service";
import { policyInputSchema } from "../../lib/policies/schemas";
import { startReceiver } from "./receiver";
import { freshDatabase, nowMs, percentile, startWorker, waitFor, type DbKind } from "./harness";

const ADMIN = { kind: "user" as const, userId: 1, username: "admin", sysadmin: true };

/** A project with `n` policies, each with one HTTP target at `${base}/t{i}`. */
async function setupTargets(n: number, base: string, retry?: Record<string, number>) {
  const db = await getDb();
  const project = await db.project.create({ data: { name: `bench-${Date.now()}` } });
  for (let i = 0; i < n; i++) {
    const input = policyInputSchema.parse({
      name: `p${i}`,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: `${base}/t${i}`, payload_format: "Default" }],
      ...(retry ? { retry_policy: retry } : {}),
    });
    await createPolicy(ADMIN, project, input);
  }
  return project;
}

async function seedEvents(projectId: number, count: number) {
  const t0 = nowMs();
  for (let i = 0; i < count; i++) await ingestEvent({ projectId, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
  return { ms: nowMs() - t0 };
}

async function successCount() {
  const db = await getDb();
  return db.task.count({ where: { status: "Success" } });
}

/** Raw undici POSTs of the same bodies to the same receiver, `concurrency` at a time. */
async function rawPosts(urls: string[], body: string, concurrency: number) {
  const agent = new Agent({ connections: 32, keepAliveTimeout: 60_000 });
  let next = 0;
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++];
        const res = await request(url, { method: "POST", body, headers: { "content-type": "application/json" }, dispatcher: agent });
        await res.body.text();
      }
    }),
  );
  const ms = nowMs() - t0;
  await agent.close();
  return ms;
}

export type Row = { figure: string; value: string; baseline: string; target: string; pass: boolean | null };

/** Recorded deliveries/s with `workers` workers vs raw POSTs/s to the same receiver. */
export async function throughput(kind: DbKind, workers: number, opts: { targets: number; events: number }): Promise<{ rows: Row[]; perSec: number; rawPerSec: number }> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  try {
    const project = await setupTargets(opts.targets, rx.base);
    await seedEvents(project.id, opts.events);
    const total = opts.targets * opts.events;
    const procs = Array.from({ length: workers }, () => startWorker());
    await waitFor(async () => rx.arrivals.length > 0, 60_000, 5);
    const t0 = rx.arrivals[0].at;
    await waitFor(async () => (await successCount()) >= total, 600_000, 50);
    const ms = nowMs() - t0;
    await Promise.all(procs.map((p) => p.stop()));
    const perSec = (total / ms) * 1000;

    const body = buildDefaultPayload(sampleEvent("PUSH_ARTIFACT")).body;
    const urls = Array.from({ length: total }, (_, i) => `${rx.base}/t${i % opts.targets}`);
    const rawMs = await rawPosts(urls, body, 64);
    const rawPerSec = (total / rawMs) * 1000;
    const ratio = perSec / rawPerSec;
    const label = `${kind === "sqlite" ? "SQLite" : "PostgreSQL"}, ${workers} worker${workers > 1 ? "s" : ""}`;
    return {
      perSec,
      rawPerSec,
      rows: [
        {
          figure: `Throughput, ${label} (${total.toLocaleString("en")} deliveries, ${opts.targets} targets)`,
          value: `${perSec.toFixed(0)} deliveries/s`,
          baseline: `${rawPerSec.toFixed(0)} raw POSTs/s`,
          target: kind === "sqlite" ? "ratio ≥ 0.5" : workers === 2 ? "ratio ≥ 0.6" : "—",
          pass: kind === "sqlite" ? ratio >= 0.5 : workers === 2 ? ratio >= 0.6 : null,
        },
        { figure: `  ratio (${label})`, value: ratio.toFixed(2), baseline: "1.00", target: "", pass: null },
      ],
    };
  } finally {
    await rx.close();
    await cleanup();
  }
}

/** Event accepted → request at the receiver, at a steady `rate` events/s for `seconds`. */
export async function latency(kind: DbKind, rate: number, seconds: number): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  const accepted = new Map<number, number>();
  try {
    const project = await setupTargets(1, rx.base);
    const worker = startWorker(process.env.BENCH_DEBUG ? { LOG_LEVEL: "info" } : {});
    await new Promise((r) => setTimeout(r, 3_000)); // worker start-up
    const db = await getDb();
    const total = rate * seconds;
    const t0 = nowMs();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - nowMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" }).then((r) => {
          if (r.status === "accepted") accepted.set(r.eventId, nowMs());
        }),
      );
    }
    await Promise.all(pending);
    await waitFor(async () => rx.arrivals.length >= total, 120_000);
    await worker.stop();
    // Map each arrival to its event through the task's webhook-id.
    const tasks = await db.task.findMany({ select: { webhookId: true, execution: { select: { eventId: true } } } });
    const eventOf = new Map(tasks.map((t) => [t.webhookId, t.execution.eventId]));
    const lat = rx.arrivals.map((a) => a.at - (accepted.get(eventOf.get(a.webhookId!)!) ?? NaN)).filter((v) => Number.isFinite(v));
    const p50 = percentile(lat, 50), p95 = percentile(lat, 95), p99 = percentile(lat, 99);
    const label = `${kind === "sqlite" ? "SQLite" : "PostgreSQL"}, ${rate} events/s`;
    const gated = kind === "sqlite" && rate === 200;
    return [
      { figure: `Latency accepted → received, ${label}: p50`, value: `${p50.toFixed(1)} ms`, baseline: "—", target: gated ? "≤ 5 ms" : "", pass: gated ? p50 <= 5 : null },
      { figure: `  p95`, value: `${p95.toFixed(1)} ms`, baseline: "—", target: "", pass: null },
      { figure: `  p99`, value: `${p99.toFixed(1)} ms`, baseline: "—", target: gated || rate === 200 ? "≤ 50 ms" : "", pass: gated || rate === 200 ? p99 <= 50 : null },
    ];
  } finally {
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
      if (blackHoled) {
        const db = await getDb();
        for (let i = 0; i < blackHoled; i++) {
          await createPolicy(ADMIN, project, policyInputSchema.parse({ name: `dead${i}`, event_types: ["PUSH_ARTIFACT"], targets: [{ type: "http", address: `${dead.base}/dead${i}` }] }));
        }
        void db;
      }
      await seedEvents(project.id, opts.events);
      const healthyTotal = opts.healthy * opts.events;
      const worker = startWorker();
      await waitFor(async () => rx.arrivals.length > 0, 60_000, 5);
      const t0 = rx.arrivals[0].at;
      await waitFor(async () => rx.arrivals.filter((a) => a.path.startsWith("/t")).length >= healthyTotal, 600_000, 20);
      const ms = nowMs() - t0;
      await worker.stop();
      return (healthyTotal / ms) * 1000;
    } finally {
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
      figure: `Isolation: healthy throughput with ${opts.healthy} of ${opts.healthy * 2} targets black-holed`,
      value: `${withDead.toFixed(0)} deliveries/s`,
      baseline: `${healthyOnly.toFixed(0)}/s all healthy`,
      target: "≥ 80%",
      pass: ratio >= 0.8,
    },
    { figure: "  ratio", value: `${(ratio * 100).toFixed(0)}%`, baseline: "100%", target: "", pass: null },
  ];
}

/** Peak worker memory while delivering a large backlog, and how long the backlog takes to drain. */
export async function backlog(kind: DbKind, opts: { targets: number; events: number }): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  try {
    const project = await setupTargets(opts.targets, rx.base);
    const seeded = await seedEvents(project.id, opts.events);
    const total = opts.targets * opts.events;
    const worker = startWorker();
    const t0 = nowMs();
    await waitFor(async () => (await successCount()) >= total, 1_800_000, 250);
    const ms = nowMs() - t0;
    const peak = worker.peakRss();
    await worker.stop();
    const mb = peak / 2 ** 20;
    return [
      { figure: `Backlog: worker peak RSS delivering ${total.toLocaleString("en")} tasks`, value: `${mb.toFixed(0)} MB`, baseline: "—", target: "≤ 250 MB", pass: mb <= 250 },
      { figure: `  drain time (incl. worker start)`, value: `${(ms / 1000).toFixed(1)} s (${((total / ms) * 1000).toFixed(0)}/s)`, baseline: "—", target: "", pass: null },
      { figure: `  ingest while seeding (${opts.events.toLocaleString("en")} events × ${opts.targets} policies)`, value: `${((opts.events / seeded.ms) * 1000).toFixed(0)} events/s`, baseline: "—", target: "", pass: null },
    ];
  } finally {
    await rx.close();
    await cleanup();
  }
}
