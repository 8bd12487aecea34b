// The migration that moves an attempt's log lines into its Attempt row
// (prisma/{,postgres/}migrations/20261202420000_attempt_log) keeps history written before it as
// readers saw it: a database in the old shape, with attempts logged as TaskLog rows, is migrated
// with the migration's own SQL, and the task log, attempts and statuses read the same; an attempt
// recorded afterwards joins the same log. On SQLite and PostgreSQL (TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { dialect, disconnectDb, getDb } from "@/lib/db/client";
import { rawExecute } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { createRecorder } from "@/lib/delivery/recorder";
import { claim } from "@/lib/delivery/task-state";
import { getTask, taskLogText } from "@/lib/history/queries";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { applyMigration, useOwnDatabase } from "../helpers/own-database";

const MIGRATION = "20261202420000_attempt_log";
let own: Awaited<ReturnType<typeof useOwnDatabase>>;

beforeAll(async () => {
  own = await useOwnDatabase("attempt-log-migration");
});
afterAll(async () => {
  await own?.dispose();
});

/** Back to the schema before the migration: no `log` column, the lease index. */
async function undoMigration() {
  await rawExecute(Prisma.raw(`ALTER TABLE "Attempt" DROP COLUMN "log"`));
  // The lease column itself left "Task" later (20261202480000_lean_queue): an index of that name is what the migration drops.
  await rawExecute(Prisma.raw(`CREATE INDEX "Task_status_leaseUntil_idx" ON "Task"("status")`));
}

async function seedOldHistory() {
  const { actor } = await makeUser({ sysadmin: true });
  const project = await makeProject();
  const { policy } = await createPolicy(
    await requireProject(actor, project.id, "webhook.manage"),
    policyInputSchema.parse({
      name: "old",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "http://127.0.0.1:9/hook" }],
    }),
  );
  const db = await getDb();
  const target = await db.webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
  const event = await db.event.create({
    data: { projectId: project.id, type: "PUSH_ARTIFACT", occurAt: 1, eventData: "{}", requestId: "r", source: "api" },
  });
  const t0 = new Date("2026-11-30T10:00:00.000Z");
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const tasks = [];
  for (const [i, status] of (["Error", "Pending", "Running"] as const).entries()) {
    const execution = await db.execution.create({
      data: {
        policyId: policy.id,
        targetId: target.id,
        eventId: event.id,
        vendorType: "WEBHOOK",
        eventType: "PUSH_ARTIFACT",
        status,
        startTime: t0,
      },
    });
    const task = await db.task.create({
      data: {
        executionId: execution.id,
        policyId: policy.id,
        targetId: target.id,
        webhookId: `msg_old_${policy.id}_${i}`,
        status,
        runCount: status === "Pending" ? 0 : 1,
        maxAttempts: 3,
        nextAttemptAt: status === "Pending" ? t0 : at(60_000),
        // Open tasks are queued as the current schema keeps them (migration 20261202480000_lean_queue).
        ...(status === "Error"
          ? {}
          : {
              queueItem: {
                create: {
                  targetId: target.id,
                  ...(status === "Running"
                    ? { leaseOwner: "old-worker", dueAt: Date.now() + 600_000 }
                    : { dueAt: t0.getTime() }),
                },
              },
            }),
        startTime: t0,
      },
    });
    tasks.push(task);
  }
  const [failed] = tasks;
  // The old shape: the attempt row without a log, its lines as TaskLog rows.
  await rawExecute(
    Prisma.sql`INSERT INTO "Attempt" ("taskId", "number", "startedAt", "durationMs", "responseStatus", "error", "requestHeaders") VALUES (${failed!.id}, 1, ${t0}, 12, ${null}, ${"connection refused"}, ${"{}"})`,
  );
  const lines = [
    [0, "INFO", "start to run webhook job (attempt 1 of 3, worker old)"],
    [0, "INFO", "POST http://127.0.0.1:9/hook (application/json, 2 bytes, webhook-id msg_old)"],
    [12, "ERROR", "failed to run webhook job: network: connection refused (ECONNREFUSED)"],
    [12, "ERROR", "not retried"],
    [30_000, "INFO", "redeliver requested by admin"],
  ] as const;
  for (const [ms, level, message] of lines)
    await db.taskLog.create({ data: { taskId: failed!.id, at: at(ms), level, message } });
  const expectedLog = lines.map(([ms, level, message]) => `${at(ms).toISOString()} [${level}] ${message}\n`).join("");
  return { policy, tasks, expectedLog };
}

describe(`migration ${MIGRATION}`, () => {
  it("keeps the history written before it as readers see it, and new attempts join the same log", async () => {
    await undoMigration();
    const { policy, tasks, expectedLog } = await seedOldHistory();
    if (dialect() === "sqlite") await disconnectDb(); // no client keeps statements prepared on the old tables
    await applyMigration(own.env, MIGRATION);

    const [failed, pending, running] = tasks;
    expect(await taskLogText(policy.id, failed!.id)).toBe(expectedLog);
    const read = await getTask(policy.id, failed!.id);
    expect(read!.attempts).toMatchObject([{ number: 1, durationMs: 12, error: "connection refused", log: "" }]);
    const db = await getDb();
    const statuses = await db.task.findMany({ where: { policyId: policy.id }, orderBy: { id: "asc" } });
    expect(statuses.map((t) => t.status)).toEqual(["Error", "Pending", "Running"]);
    expect((await db.queueItem.findUnique({ where: { taskId: running!.id } }))!.leaseOwner).toBe("old-worker");

    // The pending task is claimed and delivered after the migration: its lines are in its attempt row.
    expect(
      await claim({ owner: "new-worker", limit: 1, leaseMs: 60_000, now: new Date(), only: [pending!.id] }),
    ).toEqual([pending!.id]);
    const startedAt = new Date();
    const recorder = createRecorder({ owner: "new-worker", autoPause: { failures: 100, windowMs: 0 } });
    recorder.add({
      kind: "success",
      taskId: pending!.id,
      executionId: pending!.executionId,
      targetId: pending!.targetId,
      runCount: 1,
      endTime: startedAt,
      attempt: { number: 1, startedAt, durationMs: 3, responseStatus: 200, requestHeaders: "{}" },
      logs: [
        { at: startedAt, level: "INFO", message: "start to run webhook job (attempt 1 of 3, worker new)" },
        { at: startedAt, level: "INFO", message: "success to run webhook job: response code 200" },
      ],
    });
    await recorder.drain();
    expect(await db.taskLog.count({ where: { taskId: pending!.id } })).toBe(0);
    const stamp = startedAt.toISOString();
    expect(await taskLogText(policy.id, pending!.id)).toBe(
      `${stamp} [INFO] start to run webhook job (attempt 1 of 3, worker new)\n${stamp} [INFO] success to run webhook job: response code 200\n`,
    );
  });
});
