// Delivery results carry text from outside (a receiver's body, error messages). One value the
// database cannot store must not stop the recorder: a NUL from a real receiver is stored as U+FFFD
// (PostgreSQL refuses NUL in text), and a result the database refuses anyway ends its own task in
// Error while the rest of its batch is recorded. On SQLite and PostgreSQL (TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { storableText } from "@/lib/db/text";
import { taskLogLines } from "@/lib/history/task-log";
import type { TaskOutcome } from "@/lib/delivery/deliver";
import { createRecorder } from "@/lib/delivery/recorder";
import { DeliveryWorker } from "@/lib/delivery/worker";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";
import { startServer, type LocalServer } from "../helpers/receiver";
import { until } from "../helpers/until";

let worker: DeliveryWorker;
let dispose: () => Promise<void>;
const servers: LocalServer[] = [];
let admin: ReturnType<typeof makeUser>;

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("recorder-text"));
  admin = makeUser({ sysadmin: true });
  worker = new DeliveryWorker({ pollMs: 50, backoffScale: 0.005, leaseMs: 5_000 });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await dispose?.();
});

async function policyFor(url: string, enabled = true) {
  const project = await makeProject();
  const input = policyInputSchema.parse({
    name: "hook",
    enabled,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: url }],
    retry_policy: { max_attempts: 1 },
  });
  const { policy } = await createPolicy(await requireProject((await admin).actor, project.id, "webhook.manage"), input);
  return { project, policy };
}

describe("text a database cannot store", () => {
  it("storableText replaces NUL and unpaired surrogates, and keeps pairs", () => {
    expect(storableText("a\u0000b")).toBe("a\uFFFDb");
    expect(storableText("x\uD800y\uDC00z")).toBe("x\uFFFDy\uFFFDz");
    expect(storableText("ok \uD83D\uDE00")).toBe("ok \uD83D\uDE00");
  });

  it("a receiver answering a body with NUL: its result is recorded, and so are the others", async () => {
    const nul = await startServer((_req, res) => {
      res.statusCode = 400;
      res.setHeader("Content-Type", "text/plain");
      res.end("bad\u0000request\u0000body");
    });
    const ok = await startServer((_req, res) => res.end("fine"));
    servers.push(nul, ok);
    const bad = await policyFor(nul.url);
    const good = await policyFor(ok.url);
    for (let i = 0; i < 3; i++) {
      await ingestEvent({ projectId: bad.project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
      await ingestEvent({ projectId: good.project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    }
    const db = await getDb();
    await until(
      async () => (await db.task.count({ where: { policyId: good.policy.id, status: "Success" } })) === 3,
      20_000,
    );
    const failed = await until(async () => {
      const tasks = await db.task.findMany({
        where: { policyId: bad.policy.id, status: "Error" },
        include: { attempts: true },
      });
      return tasks.length === 3 ? tasks : undefined;
    }, 20_000);
    for (const t of failed) {
      expect(t.statusMessage).toContain("bad\uFFFDrequest\uFFFDbody");
      expect(t.attempts[0]!.responseExcerpt).toBe("bad\uFFFDrequest\uFFFDbody");
      const logs = (await taskLogLines([t.id])).get(t.id) ?? [];
      expect(logs.some((l) => l.message.includes("bad\uFFFDrequest"))).toBe(true);
    }
    expect(nul.requests).toHaveLength(3);
  }, 60_000);

  it("a result the database refuses ends its own task in Error; the rest of the batch is recorded", async () => {
    // A disabled policy: the worker takes none of these; the tasks are leased to "isolation" below.
    const { project, policy } = await policyFor("http://127.0.0.1:9/hook", false);
    const db = await getDb();
    const target = await db.webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
    const event = await db.event.create({
      data: {
        projectId: project.id,
        type: "PUSH_ARTIFACT",
        occurAt: 1,
        eventData: "{}",
        requestId: "r",
        source: "api",
      },
    });
    const tasks: { id: number; executionId: number; targetId: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const execution = await db.execution.create({
        data: {
          policyId: policy.id,
          targetId: target.id,
          eventId: event.id,
          vendorType: "WEBHOOK",
          eventType: "PUSH_ARTIFACT",
          status: "Running",
        },
      });
      tasks.push(
        await db.task.create({
          data: {
            executionId: execution.id,
            policyId: policy.id,
            targetId: target.id,
            webhookId: `msg_isolation_${policy.id}_${i}`,
            status: "Running",
            maxAttempts: 1,
            queueItem: { create: { targetId: target.id, leaseOwner: "isolation", dueAt: Date.now() + 600_000 } },
          },
        }),
      );
    }
    const outcome = (t: (typeof tasks)[number], durationMs: number): TaskOutcome => ({
      taskId: t.id,
      executionId: t.executionId,
      targetId: t.targetId,
      kind: "success",
      runCount: 1,
      endTime: new Date(),
      attempt: { number: 1, startedAt: new Date(), durationMs, responseStatus: 200, requestHeaders: "{}" },
      logs: [{ at: new Date(), level: "INFO", message: "success to run webhook job" }],
    });
    const recorder = createRecorder({ owner: "isolation", autoPause: { failures: 100, windowMs: 0 } });
    // NaN: SQLite stores it as NULL (a NOT NULL column), PostgreSQL refuses it for an integer.
    recorder.add(outcome(tasks[0]!, 12));
    recorder.add(outcome(tasks[1]!, Number.NaN));
    recorder.add(outcome(tasks[2]!, 34));
    await recorder.drain(2);
    const after = await db.task.findMany({
      where: { policyId: policy.id },
      orderBy: { id: "asc" },
      include: { attempts: true, logs: true, execution: true, queueItem: true },
    });
    expect(after.map((t) => t.status)).toEqual(["Success", "Error", "Success"]);
    expect(after.map((t) => t.attempts.map((a) => a.durationMs))).toEqual([[12], [], [34]]);
    expect(after[1]!.statusMessage).toMatch(/^the result of attempt 1 could not be recorded \(.+\); not retried$/);
    expect(after[1]!.execution.status).toBe("Error");
    expect(after.map((t) => t.queueItem)).toEqual([null, null, null]);
    expect(after[1]!.logs.map((l) => l.level)).toEqual(["ERROR"]);
  }, 60_000);
});
