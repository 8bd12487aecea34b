// Nothing lost when processes die: `kill -9` of a delivery worker in the middle of 10,000
// deliveries, and of the web side in the middle of ingesting while a worker and another web
// process write to the same database (on SQLite: busy/locked under load).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwnDatabase, type OwnDatabase } from "../helpers/own-database";
import { agentSetup, startAgent, startWorker, type Child } from "./processes";
import { until } from "../helpers/until";
import { startCountingReceiver, type CountingReceiver } from "../helpers/receiver";
import { recordFigure } from "./figures";

const EVENTS = 500;
const POLICIES = 20;
const CONCURRENCY = 32;
/** The web-side kill: fewer policies per event, the point is the ingest */
const WEB_POLICIES = 10;
const LEASE_MS = 1500;
const workerEnv = { WORKER_LEASE_MS: String(LEASE_MS), WORKER_CONCURRENCY: String(CONCURRENCY) };

let own: OwnDatabase;
let rx: CountingReceiver;
const children: Child[] = [];
const track = (c: Child) => (children.push(c), c);

beforeAll(async () => {
  own = await createOwnDatabase("crash");
  rx = await startCountingReceiver();
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.killHard()));
  await rx?.close();
  await own?.dispose();
});

type Setup = { projectId: number; policies: { id: number; targetIds: number[] }[] };

function setupProject(name: string, count = POLICIES) {
  const policies = Array.from({ length: count }, (_, i) => ({
    name: `${name}-${i}`,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: rx.url }],
  }));
  return agentSetup<Setup>(own.env, { project: name, policies });
}

/** pino lines at warn (40) or above: a busy database, a failed claim or write would show here. */
function problems(child: Child): string[] {
  return child.lines.filter((l) => {
    try {
      return (JSON.parse(l) as { level?: number }).level! >= 40;
    } catch {
      return false;
    }
  });
}

const projectTasks = async (s: Setup) =>
  own.db.task.findMany({
    where: { policyId: { in: s.policies.map((p) => p.id) } },
    select: { id: true, webhookId: true, status: true, execution: { select: { eventId: true } } },
  });

describe("kill -9", () => {
  it(`of a worker during ${EVENTS * POLICIES} deliveries: after a restart all are delivered, none lost, duplicates only of leased tasks, same webhook-id`, async () => {
    const s = await setupProject("crash-worker");
    const ingest = track(startAgent(own.env, ["ingest", String(s.projectId), String(EVENTS)]));
    await ingest.waitForLine(/^done /, 60_000);
    const tasks = await projectTasks(s);
    expect(tasks).toHaveLength(EVENTS * POLICIES);

    const started = Date.now();
    const first = track(startWorker(own.env, workerEnv));
    await until(() => rx.total() >= 3_000, 60_000, "3,000 deliveries before the kill");
    await first.killHard();
    // Frozen at the kill: the tasks the dead worker held (claimed, perhaps sent, not yet recorded).
    const leased = await own.db.task.findMany({
      where: { status: "Running", queueItem: { leaseOwner: { contains: `:${first.pid}:` } } },
      select: { webhookId: true },
    });
    const receivedAtKill = rx.total();

    const second = track(startWorker(own.env, workerEnv));
    const ids = new Set(tasks.map((t) => t.webhookId));
    await until(
      async () =>
        (await own.db.task.count({ where: { policyId: { in: s.policies.map((p) => p.id) }, status: "Success" } })) ===
        tasks.length,
      120_000,
      "every task Success",
    );
    const elapsed = Date.now() - started;
    await second.killHard();

    const lost = [...ids].filter((id) => !rx.seen.has(id));
    const strangers = [...rx.seen.keys()].filter((id) => !ids.has(id));
    const duplicates = [...rx.seen.entries()].filter(([id, n]) => n > 1 && ids.has(id));
    const extra = duplicates.reduce((sum, [, n]) => sum + n - 1, 0);
    const leasedIds = new Set(leased.map((t) => t.webhookId));
    recordFigure("crash.worker", {
      deliveries: tasks.length,
      receivedAtKill,
      leasedAtKill: leased.length,
      concurrency: CONCURRENCY,
      lost: lost.length,
      duplicates: extra,
      ms: elapsed,
    });
    console.log(
      `crash/worker: ${EVENTS} events × ${POLICIES} policies = ${tasks.length} deliveries; kill -9 after ${receivedAtKill} received; ` +
        `${leased.length} tasks leased to it (concurrency ${CONCURRENCY}); lost ${lost.length}; duplicates ${extra}; all Success in ${elapsed} ms`,
    );
    expect(lost).toEqual([]);
    expect(strangers).toEqual([]);
    // A duplicate is only ever a task the dead worker held, sent again once, with the same webhook-id and body.
    expect(duplicates.filter(([id, n]) => !leasedIds.has(id) || n !== 2)).toEqual([]);
    expect([...rx.changedBodies]).toEqual([]);
    expect(extra).toBeLessThanOrEqual(leased.length);
    // What a worker holds is bounded by its concurrency: at most 8× concurrency requests in flight
    // (slow ones included) and, past 2× concurrency results waiting to be written, no new claims.
    expect(leased.length).toBeLessThanOrEqual(CONCURRENCY * 8 + CONCURRENCY * 2);
    expect(problems(first).concat(problems(second))).toEqual([]);
  }, 180_000);

  it("of the web side mid-ingest, with another web process and a worker writing at once: every event it reported accepted is delivered", async () => {
    const s = await setupProject("crash-web", WEB_POLICIES);
    const worker = track(startWorker(own.env, workerEnv));
    const victim = track(startAgent(own.env, ["ingest", String(s.projectId), "forever"]));
    const steady = track(startAgent(own.env, ["ingest", String(s.projectId), "100"]));
    await victim.waitForLine(/^accepted /, 60_000);
    await until(
      () => victim.lines.filter((l) => l.startsWith("accepted ")).length >= 100,
      60_000,
      "100 events accepted before the kill",
    );
    await victim.killHard();
    await steady.waitForLine(/^done 100$/, 60_000);
    expect((await steady.exited).code).toBe(0);
    const reported = [...victim.lines, ...steady.lines]
      .filter((l) => l.startsWith("accepted "))
      .map((l) => Number(l.split(" ")[1]));

    const events = await own.db.event.findMany({
      where: { projectId: s.projectId },
      select: { id: true, _count: { select: { executions: true } } },
    });
    // Committed or not at all: the event the kill interrupted has no half-written deliveries.
    expect(events.filter((e) => e._count.executions !== WEB_POLICIES)).toEqual([]);
    const known = new Set(events.map((e) => e.id));
    expect(reported.filter((id) => !known.has(id))).toEqual([]);

    await until(
      async () =>
        (await own.db.task.count({
          where: { policyId: { in: s.policies.map((p) => p.id) }, status: { not: "Success" } },
        })) === 0,
      90_000,
      "every task Success",
    );
    const tasks = await projectTasks(s);
    const lostTasks = tasks.filter((t) => !rx.seen.has(t.webhookId));
    const reportedSet = new Set(reported);
    const reportedTasks = tasks.filter((t) => reportedSet.has(t.execution.eventId));
    recordFigure("crash.web", {
      reportedAccepted: reported.length,
      eventsCommitted: events.length,
      deliveries: tasks.length,
      lost: lostTasks.length,
    });
    console.log(
      `crash/web: ${reported.length} events reported accepted (${events.length} committed, kill -9 mid-ingest), ${tasks.length} deliveries, lost ${lostTasks.length}; worker problems: ${problems(worker).length}`,
    );
    expect(reportedTasks).toHaveLength(reported.length * WEB_POLICIES);
    expect(lostTasks).toEqual([]);
    // SQLite: three processes writing at once wait for each other (busy timeout) instead of failing.
    expect(problems(worker)).toEqual([]);
    expect(steady.stderr()).toBe("");
    await worker.killHard();
  }, 180_000);
});
