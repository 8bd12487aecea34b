/**
 * Scale-out on PostgreSQL: three worker processes on one database share the queue. Every task is
 * delivered exactly once (no webhook-id twice), each worker does part of the work, and a target
 * with a large, slow backlog does not hold up the other targets.
 *
 * Runs only with TEST_DATABASE=postgres (`npm run test:pg`), on a database of its own: the engine
 * tests run an in-process worker on the shared test database, and the two would take each
 * other's tasks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/policies/schemas";
import { seedBacklog } from "../../scripts/bench/seed";
import { makeProject, makeUser } from "../helpers/fixtures";
import { onPostgres, useOwnDatabase } from "../helpers/own-database";

const WORKERS = 3;
const OTHER_TARGETS = 10;
const BUSY_TASKS = 1_500;
const EVENTS_PER_OTHER = 150; // × 10 targets = 1,500 tasks
const BUSY_DELAY_MS = 200; // the busy target answers slowly: its backlog takes 12 s or more (8 at a time per worker)

type Arrival = { path: string; webhookId: string; at: number };

/** A receiver on 127.0.0.1 that answers after `delayMs`, recording each request. */
async function startReceiver(delayMs = 0) {
  const arrivals: Arrival[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      arrivals.push({ path: req.url ?? "", webhookId: String(req.headers["webhook-id"]), at: Date.now() });
      if (delayMs > 0) setTimeout(() => res.end("ok"), delayMs);
      else res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A worker process (`scripts/worker.ts`); resolves its owner id from the "delivery worker started" log line. */
function startWorker(env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...env, LOG_LEVEL: "info", HARBOR_ROLE: "worker" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const owner = new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; owner?: string };
        if (entry.msg === "delivery worker started" && entry.owner) resolve(entry.owner);
      } catch {
        /* not a log line */
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it started`)));
  });
  return { child, owner };
}

async function until(cond: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!onPostgres())("several workers on one PostgreSQL database", () => {
  let ownEnv: NodeJS.ProcessEnv;
  // The busy target is another host in real life: a receiver of its own (its own connection pool).
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let busyRx: Awaited<ReturnType<typeof startReceiver>>;
  const workers: ReturnType<typeof startWorker>[] = [];
  const total = BUSY_TASKS + OTHER_TARGETS * EVENTS_PER_OTHER;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ env: ownEnv, dispose } = await useOwnDatabase("scale"));
    rx = await startReceiver();
    busyRx = await startReceiver(BUSY_DELAY_MS);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      workers.map(({ child }) =>
        child.exitCode !== null
          ? null
          : new Promise((r) => {
              child.once("exit", r);
              child.kill("SIGTERM");
            }),
      ),
    );
    await rx?.close();
    await busyRx?.close();
    await dispose?.();
  }, 60_000);

  it("deliver ~3,000 tasks exactly once, all three share the work, and a busy target does not starve the others", async () => {
    const { actor } = await makeUser({ sysadmin: true });
    const policy = (address: string, name: string) =>
      policyInputSchema.parse({
        name,
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address, payload_format: "Default" }],
      });
    const busyProject = await makeProject();
    await createPolicy(actor, busyProject, policy(`${busyRx.base}/busy`, "busy"));
    const othersProject = await makeProject();
    for (let i = 0; i < OTHER_TARGETS; i++)
      await createPolicy(actor, othersProject, policy(`${rx.base}/t${i}`, `t${i}`));

    // The backlog, as an outage leaves it (bulk-seeded: ingesting 1,650 events one by one takes
    // longer than the deliveries): the busy target's tasks are the oldest, so first in claim order.
    await seedBacklog(busyProject.id, BUSY_TASKS);
    await seedBacklog(othersProject.id, EVENTS_PER_OTHER);
    const db = await getDb();
    expect(await db.task.count({ where: { status: "Pending" } })).toBe(total);
    const busyTarget = (await db.webhookTarget.findFirstOrThrow({ where: { policy: { projectId: busyProject.id } } }))
      .id;
    await db.$executeRawUnsafe(
      `UPDATE "Task" SET "nextAttemptAt" = "nextAttemptAt" - interval '1 minute' WHERE "targetId" = ${busyTarget}`,
    );
    // Hold the backlog back until all three workers listen, so none of them has a head start.
    await db.$executeRawUnsafe(`UPDATE "Task" SET "nextAttemptAt" = "nextAttemptAt" + interval '1 hour'`);

    for (let i = 0; i < WORKERS; i++) workers.push(startWorker(ownEnv));
    const owners = await Promise.all(workers.map((w) => w.owner));
    expect(new Set(owners).size).toBe(WORKERS);

    const released = Date.now();
    // Due again in their original order (the busy target's tasks first).
    await db.$executeRawUnsafe(`UPDATE "Task" SET "nextAttemptAt" = "nextAttemptAt" - interval '1 hour 1 minute'`);
    await db.$executeRawUnsafe(`SELECT pg_notify('harbor_tasks', '')`);
    await until(async () => (await db.task.count({ where: { status: "Success" } })) === total, 90_000);

    // Exactly once: every task's webhook-id arrived one time, and one attempt was recorded for each.
    const arrivals = [...rx.arrivals, ...busyRx.arrivals];
    const ids = arrivals.map((a) => a.webhookId);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const tasks = await db.task.findMany({ select: { webhookId: true, runCount: true } });
    expect(new Set(tasks.map((t) => t.webhookId))).toEqual(new Set(ids));
    expect(tasks.every((t) => t.runCount === 1)).toBe(true);
    expect(await db.attempt.count()).toBe(total);

    // Every worker delivered some: the task log names the worker that sent each task.
    const starts = await db.taskLog.findMany({
      where: { message: { startsWith: "start to run webhook job" } },
      select: { message: true },
    });
    expect(starts.length).toBe(total);
    const share = new Map<string, number>();
    for (const { message } of starts) {
      const owner = /, worker ([^)]+)\)$/.exec(message)?.[1];
      expect(owner, message).toBeDefined();
      share.set(owner!, (share.get(owner!) ?? 0) + 1);
    }
    expect([...share.keys()].sort()).toEqual([...owners].sort());
    for (const owner of owners) expect(share.get(owner)!, `tasks delivered by ${owner}`).toBeGreaterThan(0);

    // Fairness: the other targets finish long before the busy backlog drains.
    const lastOf = (list: Arrival[]) => Math.max(...list.map((a) => a.at)) - released;
    const othersDone = lastOf(rx.arrivals);
    const busyDone = lastOf(busyRx.arrivals);
    expect(busyRx.arrivals.length).toBe(BUSY_TASKS);
    console.info(
      `scale: ${total} tasks; other targets done after ${othersDone} ms, the busy backlog after ${busyDone} ms; tasks per worker: ${[...share.values()].join(", ")}`,
    );
    expect(busyDone).toBeGreaterThan(2_000); // the busy backlog really is a backlog
    expect(othersDone, `others done after ${othersDone} ms, busy after ${busyDone} ms`).toBeLessThan(busyDone / 2);
  }, 150_000); // about 20 s on a quiet machine; the margin is for a machine busy with other test files
});
