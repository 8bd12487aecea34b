import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { resetEnvCache } from "../../lib/config/env";
import { disconnectDb, getDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrate";
import { bootstrap } from "../../lib/bootstrap";
import { WORKER_NODE_ARGS } from "../worker-args";

export type DbKind = "sqlite" | "postgres";
const PG_ADMIN = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Points this process at a fresh, migrated database; returns a cleanup. */
export async function freshDatabase(kind: DbKind): Promise<() => Promise<void>> {
  await disconnectDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-bench-"));
  process.env.DATA_DIR = dataDir;
  let drop = async () => {};
  if (kind === "postgres") {
    const name = `harbor_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(PG_ADMIN);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  } else {
    delete process.env.DATABASE_URL;
  }
  resetEnvCache();
  await applyMigrations(process.env);
  await bootstrap();
  await getDb();
  return async () => {
    await disconnectDb();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

/** A worker process on the current database; samples its resident memory. */
export function startWorker(extraEnv: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, WORKER_NODE_ARGS, {
    env: { ...process.env, LOG_LEVEL: "warn", HARBOR_ROLE: "worker", ...extraEnv },
    stdio: ["ignore", "inherit", "inherit"],
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      peakRss = Math.max(peakRss, rss);
    } catch {
      /* exited */
    }
  }, 100);
  return {
    child,
    peakRss: () => peakRss,
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
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

export const nowMs = () => performance.timeOrigin + performance.now();

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}
