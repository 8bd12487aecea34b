/**
 * Scale-out on PostgreSQL: three worker processes on one database share the queue. Every task is
 * delivered exactly once (no webhook-id twice), each worker does part of the work, and a target
 * with a large, slow backlog does not hold up the other targets.
 *
 * Runs only with TEST_DATABASE=postgres (`npm run test:pg`), on a database of its own: it counts
 * every task in the database, and its workers would take other files' tasks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { taskLogLines } from "@/lib/history/task-log";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { seedBacklog } from "../../scripts/bench/seed";
import { makeProject, makeUser } from "../helpers/fixtures";
import { onPostgres, useOwnDatabase } from "../helpers/own-database";
import { startServer, type LocalServer, type RecordedRequest } from "../helpers/receiver";
import { until } from "../helpers/until";

const WORKERS = 3;
const OTHER_TARGETS = 10;
const BUSY_TASKS = 1_500;
const EVENTS_PER_OTHER = 150; // × 10 targets = 1,500 tasks
const BUSY_DELAY_MS = 200; // the busy target answers slowly: its backlog takes 12 s or more (8 at a time per worker)

/** A receiver that answers after `delayMs` (the busy target is another host in real life: one of its own). */
const startReceiver = (delayMs = 0) =>
  startServer((_req, res) => (delayMs > 0 ? setTimeout(() => res.end("ok"), delayMs) : res.end("ok")));

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

describe.skipIf(!onPostgres())("several workers on one PostgreSQL database", () => {
  let ownEnv: NodeJS.ProcessEnv;
  let rx: LocalServer;
  let busyRx: LocalServer;
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
    await createPolicy(
      await requireProject(actor, busyProject.id, "webhook.manage"),
      policy(`http://127.0.0.1:${busyRx.port}/busy`, "busy"),
    );
    const othersProject = await makeProject();
    for (let i = 0; i < OTHER_TARGETS; i++)
      await createPolicy(
        await requireProject(actor, othersProject.id, "webhook.manage"),
        policy(`http://127.0.0.1:${rx.port}/t${i}`, `t${i}`),
      );

    // The backlog, as an outage leaves it (bulk-seeded: ingesting 1,650 events one by one takes
    // longer than the deliveries): the busy target's tasks are the oldest, so first in claim order.
    await seedBacklog(busyProject.id, BUSY_TASKS);
    await seedBacklog(othersProject.id, EVENTS_PER_OTHER);
    const db = await getDb();
    expect(await db.task.count({ where: { status: "Pending" } })).toBe(total);
    const busyTarget = (await db.webhookTarget.findFirstOrThrow({ where: { policy: { projectId: busyProject.id } } }))
      .id;
    await db.$executeRawUnsafe(`UPDATE "QueueItem" SET "dueAt" = "dueAt" - 60000 WHERE "targetId" = ${busyTarget}`);
    // Hold the backlog back until all three workers listen, so none of them has a head start.
    await db.$executeRawUnsafe(`UPDATE "QueueItem" SET "dueAt" = "dueAt" + 3600000`);

    for (let i = 0; i < WORKERS; i++) workers.push(startWorker(ownEnv));
    const owners = await Promise.all(workers.map((w) => w.owner));
    expect(new Set(owners).size).toBe(WORKERS);

    const released = Date.now();
    // Due again in their original order (the busy target's tasks first).
    await db.$executeRawUnsafe(`UPDATE "QueueItem" SET "dueAt" = "dueAt" - 3660000`);
    await db.$executeRawUnsafe(`SELECT pg_notify('harbor_tasks', '')`);
    await until(
      async () => (await db.task.count({ where: { status: "Success" } })) === total,
      90_000,
      "every task Success",
    );

    // Exactly once: every task's webhook-id arrived one time, and one attempt was recorded for each.
    const ids = [...rx.requests, ...busyRx.requests].map((r) => String(r.headers["webhook-id"]));
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const tasks = await db.task.findMany({ select: { webhookId: true, runCount: true } });
    expect(new Set(tasks.map((t) => t.webhookId))).toEqual(new Set(ids));
    expect(tasks.every((t) => t.runCount === 1)).toBe(true);
    expect(await db.attempt.count()).toBe(total);

    // Every worker delivered some: the task log names the worker that sent each task.
    const lines = await taskLogLines((await db.task.findMany({ select: { id: true } })).map((t) => t.id));
    const starts = [...lines.values()].flat().filter((l) => l.message.startsWith("start to run webhook job"));
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
    const lastOf = (list: RecordedRequest[]) => Math.max(...list.map((r) => r.at)) - released;
    const othersDone = lastOf(rx.requests);
    const busyDone = lastOf(busyRx.requests);
    expect(busyRx.requests.length).toBe(BUSY_TASKS);
    console.info(
      `scale: ${total} tasks; other targets done after ${othersDone} ms, the busy backlog after ${busyDone} ms; tasks per worker: ${[...share.values()].join(", ")}`,
    );
    expect(busyDone).toBeGreaterThan(2_000); // the busy backlog really is a backlog
    expect(othersDone, `others done after ${othersDone} ms, busy after ${busyDone} ms`).toBeLessThan(busyDone / 2);
  }, 150_000); // about 20 s on a quiet machine; the margin is for a machine busy with other test files
});
