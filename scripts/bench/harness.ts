import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { request } from "undici";
import { resetEnvCache } from "../../lib/config/env";
import { disconnectDb, getDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { bootstrap } from "../../lib/bootstrap";
import { WORKER_NODE_ARGS } from "../worker-args";

export type DbKind = "sqlite" | "postgres";
export const PG_ADMIN = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const dbLabel = (kind: DbKind) => (kind === "sqlite" ? "SQLite" : "PostgreSQL");

const RUN = `${process.pid}_${Date.now().toString(36)}`;
let sequence = 0;
/** Migrated, bootstrapped templates: each fresh database is a copy (CREATE DATABASE … TEMPLATE / a file copy), not a new migration run. */
const templates: Partial<Record<DbKind, string>> = {};
const created: string[] = [];

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function pgUrl(name: string) {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

async function template(kind: DbKind): Promise<string> {
  const existing = templates[kind];
  if (existing) return existing;
  let where: string;
  if (kind === "postgres") {
    where = `harbor_bench_${RUN}_template`;
    await pgAdmin((c) => c.query(`CREATE DATABASE "${where}"`));
    created.push(where);
    process.env.DATABASE_URL = pgUrl(where);
  } else {
    where = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-bench-template-"));
    process.env.DATA_DIR = where;
    delete process.env.DATABASE_URL;
  }
  resetEnvCache();
  await applyMigrations(process.env);
  await bootstrap();
  await disconnectDb();
  templates[kind] = where;
  return where;
}

/** Points this process (and the workers it starts) at a fresh, migrated database; returns a cleanup. */
export async function freshDatabase(kind: DbKind): Promise<() => Promise<void>> {
  await disconnectDb();
  const from = await template(kind);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-bench-"));
  process.env.DATA_DIR = dataDir;
  let drop = async () => {};
  if (kind === "postgres") {
    const name = `harbor_bench_${RUN}_${++sequence}`;
    await pgAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`));
    created.push(name);
    process.env.DATABASE_URL = pgUrl(name);
    drop = () => pgAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
  } else {
    delete process.env.DATABASE_URL;
    fs.copyFileSync(path.join(from, "harbor.db"), path.join(dataDir, "harbor.db"));
  }
  resetEnvCache();
  await getDb();
  return async () => {
    await disconnectDb();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

/** Drops the templates (and anything a crashed step left behind). */
export async function dropAllDatabases() {
  await disconnectDb();
  if (created.length) {
    await pgAdmin(async (c) => {
      for (const name of created.reverse()) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }).catch(() => undefined);
  }
  if (templates.sqlite) fs.rmSync(templates.sqlite, { recursive: true, force: true });
}

/** Resident memory of a process, sampled every 100 ms from /proc: the peak, overall or since a time. */
export function rssSampler(pid: number) {
  const samples: { at: number; rss: number }[] = [];
  const timer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      samples.push({ at: nowMs(), rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024 });
    } catch {
      /* exited */
    }
  }, 100);
  const peak = (from = 0, to = Infinity) =>
    samples.reduce((m, s) => (s.at >= from && s.at < to ? Math.max(m, s.rss) : m), 0);
  return { peak, stop: () => clearInterval(timer) };
}

export type Worker = ReturnType<typeof startWorker>;

/**
 * A worker process (`scripts/worker.ts`) on the current database; samples its resident memory.
 * `ready` resolves with its owner id once it listens for work (its "delivery worker started" log
 * line); warnings and errors it logs are passed through. `cpuProfileDir`: writes a V8 CPU profile
 * there when it exits (sampled every 10 ms, so the profiler costs next to nothing).
 */
export function startWorker(opts: { env?: Record<string, string>; cpuProfileDir?: string } = {}) {
  const nodeArgs = [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : [])];
  if (opts.cpuProfileDir)
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`, "--cpu-prof-interval=10000");
  // The worker exactly as `npm start` / `npm run worker` start it (heap cap included).
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...WORKER_NODE_ARGS], {
    env: { ...process.env, LOG_LEVEL: "info", HARBOR_ROLE: "worker", ...opts.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const rss = rssSampler(child.pid!);
  const ready = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: { level?: number; msg?: string; owner?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return void process.stdout.write(`   [worker] ${line}\n`);
      }
      if (entry.msg === "delivery worker started" && entry.owner) resolve(entry.owner);
      else if ((entry.level ?? 0) >= 40) process.stdout.write(`   [worker] ${line}\n`);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it started`)));
  });
  ready.catch(() => undefined);
  const worker = {
    child,
    ready,
    peakRss: (from?: number, to?: number) => rss.peak(from, to),
    async stop() {
      rss.stop();
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
  live.add(worker);
  child.once("exit", () => live.delete(worker));
  return worker;
}

const live = new Set<{ stop: () => Promise<void> }>();

/** Stops every worker still running (a step that failed half-way leaves none behind). */
export async function stopAllWorkers() {
  await Promise.all([...live].map((w) => w.stop()));
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export type MemoryBreakdown = { rss: number; heapUsed: number; heapTotal: number; external: number };

/**
 * Samples a worker's memory once a second from its /metrics (WORKER_METRICS_PORT): resident set,
 * V8 heap used and reserved, and memory outside the heap (buffers); keeps the sample with the
 * highest resident set.
 */
export function memoryScraper(port: number) {
  let peak: MemoryBreakdown | null = null;
  const metric = (text: string, name: string) =>
    Number(new RegExp(`^harbor_worker_${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text)?.[1] ?? NaN);
  const timer = setInterval(async () => {
    try {
      const res = await request(`http://127.0.0.1:${port}/metrics`);
      const text = await res.body.text();
      const m = {
        rss: metric(text, "process_resident_memory_bytes"),
        heapUsed: metric(text, "nodejs_heap_size_used_bytes"),
        heapTotal: metric(text, "nodejs_heap_size_total_bytes"),
        external: metric(text, "nodejs_external_memory_bytes"),
      };
      if (!peak || m.rss > peak.rss) peak = m;
    } catch {
      /* not up yet, or gone */
    }
  }, 1_000);
  return {
    stop: () => clearInterval(timer),
    describe() {
      if (!peak) return "no /metrics sample";
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
      return `at its highest sampled RSS (${mb(peak.rss)}): V8 heap ${mb(peak.heapUsed)} used of ${mb(peak.heapTotal)} reserved, ${mb(peak.external)} external (buffers), so ${mb(peak.rss - peak.heapTotal - peak.external)} of code, stacks and native allocations`;
    },
  };
}

/** Starts `n` workers and waits until every one of them listens. */
export async function startWorkers(n: number, opts: Parameters<typeof startWorker>[0] = {}) {
  const workers = Array.from({ length: n }, () => startWorker(opts));
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

/** CPU time (user + system, in seconds) of the processes `pick` selects by pid and command name, from /proc. */
function cpuSeconds(pick: (pid: number, comm: string) => boolean): number {
  let ticks = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!pick(Number(entry), comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      /* gone */
    }
  }
  return ticks / 100; // USER_HZ
}

function machineCpu() {
  const [, ...f] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/**
 * Where the CPU went between start and stop: cores used by the workers, by PostgreSQL's
 * processes, by this benchmark process (the receiver, the raw client, polling), and how busy the
 * whole machine was — on 2 cores, the limit of any scaling curve.
 */
export function cpuAccount(workerPids: () => number[]) {
  const own = process.pid;
  const sample = () => ({
    at: nowMs(),
    workers: cpuSeconds((pid) => workerPids().includes(pid)),
    postgres: cpuSeconds((_pid, comm) => comm === "postgres"),
    bench: cpuSeconds((pid) => pid === own),
    machine: machineCpu(),
  });
  const start = sample();
  let workerSeconds = 0;
  return {
    /** The workers' CPU seconds between start and stop. */
    workerSeconds: () => workerSeconds,
    stop() {
      const end = sample();
      workerSeconds = end.workers - start.workers;
      const s = (end.at - start.at) / 1000;
      const busy = 1 - (end.machine.idle - start.machine.idle) / (end.machine.total - start.machine.total);
      const cores = (a: number, b: number) => ((b - a) / s).toFixed(2);
      return `CPU: machine ${(busy * 100).toFixed(0)}% busy; workers ${cores(start.workers, end.workers)} cores, PostgreSQL ${cores(start.postgres, end.postgres)}, receiver and benchmark ${cores(start.bench, end.bench)}`;
    },
  };
}

export async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, everyMs = 50) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.timeOrigin + performance.now();

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function machine(): Promise<string> {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  let postgres = "PostgreSQL unreachable";
  try {
    postgres = await pgAdmin(async (c) => {
      const show = async (s: string) => (await c.query(`SHOW ${s}`)).rows[0][s] as string;
      return `PostgreSQL ${(await show("server_version")).split(" ")[0]} on 127.0.0.1 (shared_buffers ${await show("shared_buffers")}, synchronous_commit ${await show("synchronous_commit")}, max_connections ${await show("max_connections")})`;
    });
  } catch {
    /* reported as unreachable */
  }
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}; ${postgres}; SQLite via better-sqlite3 (WAL, synchronous=NORMAL) on the local disk`;
}

/**
 * How busy the machine was with other work: the 1-minute load average and other
 * test runs (vitest, playwright, next build) seen in /proc, sampled every 5 s.
 */
export function loadMonitor() {
  const samples: { load: number; others: number }[] = [];
  const mine = new Set<number>();
  const foreign = () => {
    let n = 0;
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || mine.has(Number(entry))) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
        if (/vitest|playwright|next build|next-build|chromium/.test(cmd) && !cmd.includes("scripts/bench")) n++;
      } catch {
        /* gone */
      }
    }
    return n;
  };
  const sample = () => samples.push({ load: os.loadavg()[0], others: foreign() });
  sample();
  const timer = setInterval(sample, 5_000);
  timer.unref();
  return {
    /** Other test processes right now. */
    othersNow: foreign,
    stop() {
      clearInterval(timer);
      sample();
      const loads = samples.map((s) => s.load);
      const busy = samples.filter((s) => s.others > 0).length;
      return {
        summary: `1-minute load average ${percentile(loads, 0).toFixed(1)}–${percentile(loads, 100).toFixed(1)} (median ${percentile(loads, 50).toFixed(1)}) on ${os.cpus().length} cores; other test processes (vitest/playwright/next build) seen in ${busy} of ${samples.length} samples taken every 5 s`,
        quiet: busy === 0,
      };
    },
  };
}
