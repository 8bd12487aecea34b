/**
 * Stopping an execution while its request is in flight: the receiver got the request, so the
 * history records that attempt (and what came back), and the task stays Stopped. Runs on both
 * databases (TEST_DATABASE=postgres for PostgreSQL), with a real worker and a slow local receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { taskLogLines } from "@/lib/history/task-log";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DeliveryWorker } from "@/lib/delivery/worker";
import { stopExecution } from "@/lib/delivery/task-control";
import { makeProject, makeUser } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";
import { startServer, type LocalServer } from "../helpers/receiver";
import { until } from "../helpers/until";

let worker: DeliveryWorker;
let dispose: () => Promise<void>;
const servers: LocalServer[] = [];
let admin: ReturnType<typeof makeUser>;

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("stop-in-flight"));
  admin = makeUser({ sysadmin: true });
  worker = new DeliveryWorker({ pollMs: 50, backoffScale: 0.001, leaseMs: 5_000 });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await dispose?.();
});

/** Answers `status` after `delayMs`: long enough to stop the execution meanwhile. */
async function slowReceiver(status: number, delayMs: number) {
  const s = await startServer((_req, res) => {
    setTimeout(() => {
      res.statusCode = status;
      res.end(status === 200 ? "got it" : "try later");
    }, delayMs);
  });
  servers.push(s);
  return s;
}

async function deliverAndStopInFlight(rx: LocalServer) {
  const project = await makeProject();
  const { actor } = await admin;
  const access = await requireProject(actor, project.id, "webhook.manage");
  const { policy } = await createPolicy(
    access,
    policyInputSchema.parse({
      name: "slow",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: rx.url, payload_format: "Default" }],
      retry_policy: { max_attempts: 3, backoff_base_ms: 100 },
    }),
  );
  await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
  // The receiver has the whole request and has not answered yet.
  await until(() => rx.requests.length === 1, 10_000, "the request at the receiver");
  const db = await getDb();
  const task = (await db.task.findFirst({ where: { policyId: policy.id } }))!;
  expect(task.status).toBe("Running");
  expect(await stopExecution(access, policy.id, task.executionId)).toBe(1);
  // Wait for the recorded attempt, then read everything once more: the attempt, run count and log
  // line are written in one transaction.
  await until(async () => (await db.attempt.count({ where: { taskId: task.id } })) > 0, 10_000, "the attempt recorded");
  const recorded = (await db.task.findUnique({
    where: { id: task.id },
    include: { attempts: true, execution: true },
  }))!;
  return { policy, task: { ...recorded, logs: (await taskLogLines([task.id])).get(task.id) ?? [] } };
}

describe("stopping an execution while its request is in flight", () => {
  it("records the attempt and its response; the task stays Stopped", async () => {
    const rx = await slowReceiver(200, 1_000);
    const { task } = await deliverAndStopInFlight(rx);
    expect(rx.requests).toHaveLength(1);
    expect(task).toMatchObject({ status: "Stopped", runCount: 1, execution: { status: "Stopped" } });
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, responseExcerpt: "got it" });
    expect(task.attempts[0].durationMs).toBeGreaterThanOrEqual(900);
    const messages = task.logs.map((l) => l.message);
    expect(messages.some((m) => m.startsWith("POST http://127.0.0.1:"))).toBe(true);
    expect(messages).toContain(
      "stopped while a request was in flight: the request was sent; response code 200 (recorded, not retried: the task is stopped)",
    );
    // Not a success line, and no retry: the task is stopped.
    expect(messages.some((m) => m.startsWith("success to run webhook job"))).toBe(false);
    expect(task.statusMessage).toMatch(/^stopped by /);
  });

  it("records a failed answer without retrying it", async () => {
    const rx = await slowReceiver(503, 800);
    const { task } = await deliverAndStopInFlight(rx);
    expect(task).toMatchObject({ status: "Stopped", runCount: 1 });
    expect(task.attempts[0]).toMatchObject({ number: 1, responseStatus: 503 });
    expect(task.logs.map((l) => l.message)).toContain(
      "stopped while a request was in flight: the request was sent; response code 503 (recorded, not retried: the task is stopped)",
    );
    expect(task.logs.some((l) => l.message.startsWith("retry "))).toBe(false);
    // Nothing more is sent: the backoff is well under a millisecond (scaled), so a retry would have come by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(1);
    const db = await getDb();
    expect(await db.attempt.count({ where: { taskId: task.id } })).toBe(1);
  });
});
