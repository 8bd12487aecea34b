// Receiver faults, injected by a local server: each ends in the right state after the right number
// of attempts at the right intervals, and a healthy target keeps its pace while others hang.
// A worker process on a database of the test's own delivers (see own-database.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSelfSignedCert } from "../helpers/receiver";
import { recordFigure } from "./figures";
import { startFaultServer, type FaultServer } from "./fault-server";
import { createOwnDatabase, type OwnDatabase } from "../helpers/own-database";
import { agentSetup, startAgent, startWorker, type Child } from "./processes";
import { until } from "../helpers/until";

type Setup = { projectId: number; policies: { id: number; name: string; targetIds: number[] }[] };

let own: OwnDatabase;
let http: FaultServer;
let tls: FaultServer;
/** black holes on a server (an origin) of their own, as separate receivers would be */
let holes: FaultServer;
let worker: Child;
const children: Child[] = [];
/** Scheduling slack for a loaded 2-core machine: a retry may start this much after it is due. */
const LATE_MS = 1_500;

beforeAll(async () => {
  own = await createOwnDatabase("faults");
  http = await startFaultServer();
  tls = await startFaultServer(makeSelfSignedCert());
  holes = await startFaultServer();
  // Real backoff (scale 1): the intervals below are the policies' own.
  worker = startWorker(own.env, { RETRY_BACKOFF_SCALE: "1", LOG_LEVEL: "info" });
  children.push(worker);
  await worker.waitForLine(/delivery worker started/, 60_000);
}, 90_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.killHard()));
  await Promise.all([http?.close(), tls?.close(), holes?.close()]);
  await own?.dispose();
});

async function ingest(projectId: number, count: number) {
  const child = startAgent(own.env, ["ingest", String(projectId), String(count)]);
  children.push(child);
  await child.waitForLine(/^done /, 60_000);
}

const taskOf = (policyId: number) =>
  own.db.task.findFirstOrThrow({ where: { policyId }, include: { attempts: { orderBy: { number: "asc" } } } });

/** Wait between the end of one attempt and the start of the next. */
const gaps = (attempts: { startedAt: Date; durationMs: number }[]) =>
  attempts.slice(1).map((a, i) => a.startedAt.getTime() - (attempts[i].startedAt.getTime() + attempts[i].durationMs));

describe("receiver faults", () => {
  it("500, hang past the timeout, reset, slow body, 429 + Retry-After, 410, TLS error, huge body: state, attempts and timing", async () => {
    const target = (name: string, address: string, retry: Record<string, number>) => ({
      name,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address }],
      retry_policy: retry,
    });
    const spec = {
      project: "faults",
      policies: [
        target("status-500", `${http.base}/status-500`, {
          max_attempts: 3,
          backoff_base_ms: 400,
          backoff_cap_ms: 5000,
          timeout_ms: 2000,
        }),
        target("hang", `${http.base}/hang`, { max_attempts: 2, backoff_base_ms: 200, timeout_ms: 500 }),
        target("reset", `${http.base}/reset`, { max_attempts: 2, backoff_base_ms: 200, timeout_ms: 2000 }),
        target("slow-body", `${http.base}/slow-body`, { max_attempts: 1, timeout_ms: 1000 }),
        target("retry-after", `${http.base}/retry-after`, { max_attempts: 3, backoff_base_ms: 100, timeout_ms: 2000 }),
        target("gone", `${http.base}/gone`, { max_attempts: 3, backoff_base_ms: 100 }),
        target("tls", `${tls.base}/tls`, { max_attempts: 2, backoff_base_ms: 200, timeout_ms: 2000 }),
        target("huge-body", `${http.base}/huge-body`, { max_attempts: 1, timeout_ms: 5000 }),
      ],
    };
    const s = await agentSetup<Setup>(own.env, spec);
    const id = (name: string) => s.policies.find((p) => p.name === name)!.id;
    await ingest(s.projectId, 1);
    const ended = async () =>
      (await own.db.task.count({
        where: { policyId: { in: s.policies.map((p) => p.id) }, status: { in: ["Success", "Error"] } },
      })) === s.policies.length;
    await until(ended, 60_000, "every fault task finished");

    const e500 = await taskOf(id("status-500"));
    expect(e500).toMatchObject({ status: "Error", runCount: 3 });
    expect(e500.statusMessage).toMatch(/response code 500, response body: boom.*gave up after 3 attempts/);
    expect(e500.attempts.map((a) => a.responseStatus)).toEqual([500, 500, 500]);
    // Equal jitter: after attempt n the wait is between half and all of base·2^(n-1).
    const [g1, g2] = gaps(e500.attempts);
    expect(g1).toBeGreaterThanOrEqual(200 - 5);
    expect(g1).toBeLessThanOrEqual(400 + LATE_MS);
    expect(g2).toBeGreaterThanOrEqual(400 - 5);
    expect(g2).toBeLessThanOrEqual(800 + LATE_MS);
    expect(http.count("/status-500")).toBe(3);

    const hang = await taskOf(id("hang"));
    expect(hang).toMatchObject({ status: "Error", runCount: 2 });
    for (const a of hang.attempts) {
      expect(a.error).toMatch(/timed out after 500 ms/);
      expect(a.durationMs).toBeGreaterThanOrEqual(450);
      expect(a.durationMs).toBeLessThan(500 + LATE_MS);
    }
    expect(gaps(hang.attempts)[0]).toBeGreaterThanOrEqual(100 - 5);

    const reset = await taskOf(id("reset"));
    expect(reset).toMatchObject({ status: "Error", runCount: 2 });
    for (const a of reset.attempts) expect(a.error).toMatch(/reset|closed|socket/i);

    // The status line decides; a body still dribbling at the deadline is cut off there.
    const slow = await taskOf(id("slow-body"));
    expect(slow).toMatchObject({ status: "Success", runCount: 1 });
    expect(slow.attempts[0].durationMs).toBeLessThan(1000 + LATE_MS);
    expect(slow.attempts[0].responseExcerpt!.length).toBeLessThan(50);

    const ra = await taskOf(id("retry-after"));
    expect(ra).toMatchObject({ status: "Success", runCount: 2 });
    expect(ra.attempts.map((a) => a.responseStatus)).toEqual([429, 200]);
    // Retry-After: 1 outweighs the 100 ms backoff.
    expect(gaps(ra.attempts)[0]).toBeGreaterThanOrEqual(1000 - 5);

    const gone = await taskOf(id("gone"));
    expect(gone).toMatchObject({ status: "Error", runCount: 1 });
    const goneTarget = await own.db.webhookTarget.findFirstOrThrow({ where: { policyId: id("gone") } });
    expect(goneTarget.status).toBe("paused");
    expect(goneTarget.pausedReason).toMatch(/410 Gone/);

    const badTls = await taskOf(id("tls"));
    expect(badTls).toMatchObject({ status: "Error", runCount: 2 });
    for (const a of badTls.attempts) expect(a.error).toMatch(/TLS error: the server's certificate is self-signed/);
    expect(tls.count("/tls")).toBe(0); // no request got through the failed handshake

    const huge = await taskOf(id("huge-body"));
    expect(huge).toMatchObject({ status: "Success", runCount: 1 });
    expect(Buffer.byteLength(huge.attempts[0].responseExcerpt!, "utf8")).toBeLessThanOrEqual(4096);
    expect(huge.attempts[0].responseExcerpt!.length).toBeGreaterThan(1000);

    const attempts = await own.db.attempt.count({ where: { task: { policyId: { in: s.policies.map((p) => p.id) } } } });
    recordFigure("faults", { kinds: spec.policies.length, attempts, retryGapsMs: `${g1}/${g2}` });
    console.log(
      `faults: ${spec.policies.length} kinds (500, hang, reset, slow body, 429+Retry-After, 410, TLS, huge body), ${attempts} attempts, 500-retry gaps ${g1} ms / ${g2} ms`,
    );
  }, 90_000);

  it("a healthy target keeps its pace while five black-holed targets hang", async () => {
    const EVENTS = 40;
    const policy = (name: string, address: string) => ({
      name,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address }],
      retry_policy: { max_attempts: 1, timeout_ms: 30_000 },
    });
    const [alone, crowded] = await agentSetup<Setup[]>(own.env, [
      { project: "healthy-alone", policies: [policy("healthy", `${http.base}/ok/alone`)] },
      {
        project: "healthy-crowded",
        policies: [
          policy("healthy", `${http.base}/ok/crowded`),
          ...Array.from({ length: 5 }, (_, i) => policy(`blackhole-${i}`, `${holes.base}/blackhole/${i}`)),
        ],
      },
    ]);
    const timeFor = async (s: Setup, path: string) => {
      const t0 = Date.now();
      await ingest(s.projectId, EVENTS);
      await until(
        () =>
          http.count(path) === EVENTS &&
          own.db.task.count({ where: { policyId: s.policies[0].id, status: "Success" } }).then((n) => n === EVENTS),
        30_000,
        `${EVENTS} healthy deliveries`,
      ).catch(async (err) => {
        const states = await own.db.task.groupBy({
          by: ["policyId", "status"],
          where: { policyId: { in: s.policies.map((p) => p.id) } },
          _count: true,
        });
        throw new Error(
          `${(err as Error).message}: received ${http.count(path)}, tasks ${JSON.stringify(states)}\n${worker.lines
            .filter((l) => !l.includes('"level":30'))
            .slice(-5)
            .join("\n")}`,
        );
      });
      return Date.now() - t0;
    };
    const aloneMs = await timeFor(alone, "/ok/alone");
    const crowdedMs = await timeFor(crowded, "/ok/crowded");
    const hanging = [0, 1, 2, 3, 4].reduce((n, i) => n + holes.count(`/blackhole/${i}`), 0);
    recordFigure("isolation", {
      healthyDeliveries: EVENTS,
      aloneMs,
      withBlackholesMs: crowdedMs,
      blackholedRequestsHanging: hanging,
    });
    console.log(
      `isolation: ${EVENTS} healthy deliveries (ingest included) in ${aloneMs} ms alone, ${crowdedMs} ms beside 5 black-holed targets (${hanging} requests hanging)`,
    );
    expect(hanging).toBeGreaterThanOrEqual(5);
    expect(
      await own.db.task.count({
        where: { policyId: { in: crowded.policies.slice(1).map((p) => p.id) }, status: { in: ["Success", "Error"] } },
      }),
    ).toBe(0);
    expect(crowdedMs).toBeLessThan(aloneMs + 3_000);
  }, 90_000);
});
