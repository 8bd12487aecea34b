// The worker's memory is bounded by bytes, not by task count: events of 1 MiB fanned out to 40
// policies, delivered by the real worker process with the heap cap `npm start` gives it
// (--max-old-space-size=160). Without the byte budget it claimed a hundred of these tasks at
// once, each with its own copy of the event, and aborted out of heap; after a restart it claimed
// the same tasks and aborted again.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwnDatabase, type OwnDatabase } from "../helpers/own-database";
import { until } from "../helpers/until";
import { recordFigure } from "./figures";
import { agentSetup, startAgent, startCappedWorker, type Child } from "./processes";

const POLICIES = 40;
const EVENTS = 6;
const EVENT_BYTES = 1024 * 1024 - 4096;

let own: OwnDatabase;
const children: Child[] = [];
let receiver: http.Server;
let url = "";
const seen = new Set<string>();
let received = 0;
let largestBody = 0;

beforeAll(async () => {
  own = await createOwnDatabase("memory");
  // Counts and drops bodies (a recording receiver would hold 240 MiB in the test process).
  receiver = http.createServer((req, res) => {
    let size = 0;
    req.on("data", (chunk: Buffer) => (size += chunk.length));
    req.on("end", () => {
      largestBody = Math.max(largestBody, size);
      received++;
      seen.add(String(req.headers["webhook-id"]));
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.killHard()));
  await new Promise((r) => receiver?.close(r));
  await own?.dispose();
});

/** Peak resident memory of a process (Linux), in MiB. */
function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

describe("worker memory", () => {
  it(`${EVENTS} events of 1 MiB × ${POLICIES} policies: all delivered by a worker with a 160 MB heap, no abort`, async () => {
    const setup = await agentSetup<{ projectId: number }>(own.env, {
      project: "memory",
      policies: Array.from({ length: POLICIES }, (_, i) => ({
        name: `big-${i}`,
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: url }],
      })),
    });
    const ingest = startAgent(own.env, [
      "ingest",
      String(setup.projectId),
      String(EVENTS),
      "PUSH_ARTIFACT",
      String(EVENT_BYTES),
    ]);
    children.push(ingest);
    await ingest.waitForLine(/^done /, 120_000);
    const total = POLICIES * EVENTS;
    expect(await own.db.task.count()).toBe(total);

    const started = Date.now();
    const worker = startCappedWorker(own.env, { LOG_LEVEL: "info" });
    children.push(worker);
    let peak = 0;
    await until(
      async () => {
        if (worker.proc.exitCode !== null || worker.proc.signalCode !== null)
          throw new Error(
            `the worker exited (${worker.proc.exitCode ?? worker.proc.signalCode}): ${worker.stderr().slice(-1500)}`,
          );
        peak = Math.max(peak, peakRssMiB(worker.pid));
        return (await own.db.task.count({ where: { status: "Success" } })) === total;
      },
      180_000,
      "every delivery Success",
    );
    const ms = Date.now() - started;
    peak = Math.max(peak, peakRssMiB(worker.pid));
    expect(seen.size).toBe(total);
    expect(largestBody).toBeGreaterThan(EVENT_BYTES);

    worker.proc.kill("SIGTERM");
    const { code } = await worker.exited;
    expect(code).toBe(0);
    const stopped = worker.lines.find((l) => l.includes("delivery worker stopped"));
    const budgetPeak = Number((JSON.parse(stopped ?? "{}") as { peakBudgetBytes?: number }).peakBudgetBytes ?? NaN);
    expect(budgetPeak).toBeLessThanOrEqual(32 * 1024 * 1024 + 8 * EVENT_BYTES);
    expect(worker.stderr()).not.toMatch(/heap out of memory|Allocation failed/i);
    const figures = {
      deliveries: total,
      received,
      peakRssMiB: peak,
      peakBudgetMiB: Math.round(budgetPeak / 1048576),
      ms,
    };
    console.log(`worker-memory: ${JSON.stringify(figures)}`);
    recordFigure("worker-memory", figures);
  }, 300_000);
});
