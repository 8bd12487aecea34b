// Operations over "every task of a policy" or "every policy of a project" at ten times the number
// of parameters a statement could once bind: each must work (set-based SQL or chunks), on SQLite
// and on PostgreSQL (TEST_DATABASE=postgres).
import { describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { redeliverFailed } from "@/lib/delivery/task-control";
import { harborLastTriggers } from "@/lib/harbor-api/last-trigger";
import { createPolicy, deletePolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { recordFigure as record } from "../reliability/figures";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";

const ROWS = 10_000;

function recordFigure(name: string, values: Record<string, number>) {
  console.log(`${name}: ${JSON.stringify(values)}`);
  record(name, values);
}
const admin = makeUser({ sysadmin: true });

async function policyWithTasks(status: "Pending" | "Error", n = ROWS) {
  const project = await makeProject();
  const access = await requireProject((await admin).actor, project.id, "webhook.manage");
  const { policy } = await createPolicy(
    access,
    policyInputSchema.parse({
      name: "bulk",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: DEAD_URL }],
    }),
  );
  const db = await getDb();
  // Turned off while the event is ingested: its one delivery is added below with the others.
  await db.webhookPolicy.update({ where: { id: policy.id }, data: { enabled: false } });
  const ingested = await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
  if (ingested.status !== "accepted") throw new Error("not accepted");
  const target = await db.webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
  const now = new Date();
  // Far in the future: no worker of another test file would take these.
  const later = new Date(Date.now() + 86_400_000);
  await db.$executeRaw`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO "Execution" ("policyId", "targetId", "eventId", "vendorType", "eventType", "status", "startTime")
    SELECT ${policy.id}, ${target.id}, ${ingested.eventId}, 'WEBHOOK', 'PUSH_ARTIFACT', ${status}, ${now} FROM n`;
  await db.$executeRaw`INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "status", "runCount", "maxAttempts", "nextAttemptAt", "createdAt", "updatedAt")
    SELECT e."id", e."policyId", e."targetId", ${`msg_bulk_${policy.id}_`} || CAST(e."id" AS TEXT), ${status}, ${status === "Error" ? 3 : 0}, 3, ${later}, ${now}, ${now}
    FROM "Execution" e WHERE e."policyId" = ${policy.id}`;
  // Open tasks are in the queue, as the state machine keeps them.
  if (status === "Pending")
    await db.$executeRaw`INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt")
      SELECT "id", "targetId", CAST(${later.getTime()} AS BIGINT) FROM "Task" WHERE "policyId" = ${policy.id}`;
  expect(await db.task.count({ where: { policyId: policy.id } })).toBe(n);
  return { project, policy, access };
}

describe(`${ROWS.toLocaleString("en")} rows in one operation`, () => {
  it("deleting a policy with that many open tasks stops them and deletes it", async () => {
    const { policy, access } = await policyWithTasks("Pending");
    const db = await getDb();
    const taskIds = (await db.task.findMany({ where: { policyId: policy.id }, select: { id: true }, take: 3 })).map(
      (t) => t.id,
    );
    const started = Date.now();
    await deletePolicy(access, policy.id);
    recordFigure("bound-parameters/delete", { openTasks: ROWS, ms: Date.now() - started });
    expect(await db.webhookPolicy.findUnique({ where: { id: policy.id } })).toBeNull();
    expect(await db.task.count({ where: { id: { in: taskIds } } })).toBe(0);
  }, 120_000);

  it("stopping that many open tasks writes a log line for each (the step a delete takes first)", async () => {
    const { policy } = await policyWithTasks("Pending");
    const db = await getDb();
    const { cancelPendingTasks } = await import("@/lib/delivery/task-control");
    const stopped = await db.$transaction((tx) => cancelPendingTasks(tx, { policyId: policy.id }, "test stop"), {
      timeout: 60_000,
    });
    expect(stopped).toBe(ROWS);
    expect(await db.task.count({ where: { policyId: policy.id, status: "Stopped" } })).toBe(ROWS);
    expect(await db.execution.count({ where: { policyId: policy.id, status: "Stopped" } })).toBe(ROWS);
    expect(await db.taskLog.count({ where: { task: { policyId: policy.id }, message: "stopped: test stop" } })).toBe(
      ROWS,
    );
  }, 120_000);

  it("redelivering that many failed tasks queues each of them again", async () => {
    const { policy, access } = await policyWithTasks("Error");
    const started = Date.now();
    const n = await redeliverFailed(access, policy.id, { from: new Date(Date.now() - 600_000), to: new Date() });
    recordFigure("bound-parameters/redeliver", { failedTasks: ROWS, ms: Date.now() - started });
    expect(n).toBe(ROWS);
    const db = await getDb();
    expect(await db.task.count({ where: { policyId: policy.id, status: "Pending", maxAttempts: 6 } })).toBe(ROWS);
    expect(await db.execution.count({ where: { policyId: policy.id, status: "Pending", trigger: "MANUAL" } })).toBe(
      ROWS,
    );
    expect(
      await db.taskLog.count({
        where: { task: { policyId: policy.id }, message: "redelivered after 3 attempts (up to 3 more)" },
      }),
    ).toBe(ROWS);
  }, 180_000);

  it("Harbor's lasttrigger lists a project with that many policies", async () => {
    const project = await makeProject();
    const db = await getDb();
    const now = new Date();
    await db.$executeRaw`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO "WebhookPolicy" ("publicId", "projectId", "name", "eventTypes", "createdAt", "updatedAt")
      SELECT ${`pol_bulk_${project.id}_`} || CAST(i AS TEXT), ${project.id}, ${"bulk-"} || CAST(i AS TEXT), ${JSON.stringify(["PUSH_ARTIFACT"])}, ${now}, ${now} FROM n`;
    const started = Date.now();
    const entries = await harborLastTriggers(project.id);
    recordFigure("bound-parameters/lasttrigger", { policies: ROWS, ms: Date.now() - started });
    expect(entries).toHaveLength(ROWS);
    expect(entries[0]).toMatchObject({ policy_name: "bulk-1", event_type: "PUSH_ARTIFACT" });
  }, 120_000);
});
