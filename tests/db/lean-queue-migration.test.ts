// The migration that moves the durable queue out of "Task" into "QueueItem"
// (prisma/{,postgres/}migrations/20261202480000_lean_queue) carries every open task over: a
// database in the old shape (lease columns on "Task", no queue table) with Pending tasks due now
// and later, a Running task whose lease is live, one whose lease expired, and finished tasks is
// migrated with the migration's own SQL. Afterwards the history reads the same, the queue holds
// exactly the open tasks with their times, the live lease stays its owner's, the expired one is
// recovered, and a worker delivers what is due. On SQLite and PostgreSQL (TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { dialect, disconnectDb, getDb } from "@/lib/db/client";
import { rawExecute, rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { claim, expireLeases } from "@/lib/delivery/task-state";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { applyMigration, useOwnDatabase } from "../helpers/own-database";

const MIGRATION = "20261202480000_lean_queue";
let own: Awaited<ReturnType<typeof useOwnDatabase>>;

beforeAll(async () => {
  own = await useOwnDatabase("lean-queue-migration");
});
afterAll(async () => {
  await own?.dispose();
});

/** Back to the schema before the migration: no queue, the lease columns and the status indexes on "Task". */
async function undoMigration() {
  const ts = dialect() === "postgresql" ? "TIMESTAMP(3)" : "DATETIME";
  await rawExecute(Prisma.raw(`DROP TABLE "QueueItem"`));
  await rawExecute(Prisma.raw(`ALTER TABLE "Task" ADD COLUMN "leaseUntil" ${ts}`));
  await rawExecute(Prisma.raw(`ALTER TABLE "Task" ADD COLUMN "leaseOwner" TEXT`));
  await rawExecute(Prisma.raw(`CREATE INDEX "Task_status_nextAttemptAt_idx" ON "Task"("status", "nextAttemptAt")`));
  await rawExecute(Prisma.raw(`DROP INDEX "Task_policyId_id_idx"`));
  await rawExecute(Prisma.raw(`CREATE INDEX "Task_targetId_status_idx" ON "Task"("targetId", "status")`));
  await rawExecute(
    Prisma.raw(`CREATE INDEX "Task_policyId_status_updatedAt_idx" ON "Task"("policyId", "status", "updatedAt")`),
  );
}

type Old = { status: string; nextAttemptAt: Date; leaseOwner?: string; leaseUntil?: Date };

async function seedOldQueue() {
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
  // Whole seconds and milliseconds both survive the conversion to epoch milliseconds.
  const now = Date.now();
  const old: Old[] = [
    { status: "Pending", nextAttemptAt: new Date(now - 5_000) },
    { status: "Pending", nextAttemptAt: new Date(now + 3_600_123) },
    {
      status: "Running",
      nextAttemptAt: new Date(now - 9_000),
      leaseOwner: "live-worker",
      leaseUntil: new Date(now + 600_000),
    },
    {
      status: "Running",
      nextAttemptAt: new Date(now - 9_000),
      leaseOwner: "dead-worker",
      leaseUntil: new Date(now - 1_000),
    },
    { status: "Success", nextAttemptAt: new Date(now - 60_000) },
    { status: "Error", nextAttemptAt: new Date(now - 60_000) },
  ];
  const ids: number[] = [];
  for (const [i, t] of old.entries()) {
    const execution = await db.execution.create({
      data: {
        policyId: policy.id,
        targetId: target.id,
        eventId: event.id,
        vendorType: "WEBHOOK",
        eventType: "PUSH_ARTIFACT",
        status: t.status,
      },
    });
    const [row] = await rawQuery<{ id: number | bigint }>(Prisma.sql`
      INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "status", "maxAttempts", "nextAttemptAt", "leaseOwner", "leaseUntil", "createdAt", "updatedAt")
      VALUES (${execution.id}, ${policy.id}, ${target.id}, ${`msg_lean_${policy.id}_${i}`}, ${t.status}, 3, ${t.nextAttemptAt},
        ${t.leaseOwner ?? null}, ${t.leaseUntil ?? null}, ${new Date(now)}, ${new Date(now)})
      RETURNING "id"`);
    ids.push(Number(row!.id));
  }
  return { policy, target, old, ids };
}

describe(`migration ${MIGRATION}`, () => {
  it("carries every open task into the queue with its time and lease; finished tasks stay out", async () => {
    await undoMigration();
    const { policy, target, old, ids } = await seedOldQueue();
    if (dialect() === "sqlite") await disconnectDb(); // no client keeps statements prepared on the old tables
    await applyMigration(own.env, MIGRATION);

    const db = await getDb();
    // The history reads as before.
    const tasks = await db.task.findMany({ where: { policyId: policy.id }, orderBy: { id: "asc" } });
    expect(tasks.map((t) => t.id)).toEqual(ids);
    expect(tasks.map((t) => t.status)).toEqual(old.map((t) => t.status));
    expect(tasks.map((t) => t.nextAttemptAt.getTime())).toEqual(old.map((t) => t.nextAttemptAt.getTime()));

    const queue = await db.queueItem.findMany({ where: { taskId: { in: ids } }, orderBy: { taskId: "asc" } });
    expect(queue.map((q) => ({ ...q, dueAt: Number(q.dueAt) }))).toEqual([
      { taskId: ids[0], targetId: target.id, dueAt: old[0]!.nextAttemptAt.getTime(), leaseOwner: null },
      { taskId: ids[1], targetId: target.id, dueAt: old[1]!.nextAttemptAt.getTime(), leaseOwner: null },
      { taskId: ids[2], targetId: target.id, dueAt: old[2]!.leaseUntil!.getTime(), leaseOwner: "live-worker" },
      { taskId: ids[3], targetId: target.id, dueAt: old[3]!.leaseUntil!.getTime(), leaseOwner: "dead-worker" },
    ]);

    // The dead worker's lease is recovered; the live one stays its owner's.
    expect(await expireLeases()).toBe(1);
    const statuses = async () =>
      (await db.task.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } })).map((t) => t.status);
    expect(await statuses()).toEqual(["Pending", "Pending", "Running", "Pending", "Success", "Error"]);

    // A worker claims what is due: the pending task due before and the recovered one, nothing else.
    const claimed = await claim({ owner: "new-worker", limit: 10, leaseMs: 60_000, now: new Date() });
    expect(claimed.filter((id) => ids.includes(id)).sort((a, b) => a - b)).toEqual([ids[0], ids[3]]);
    expect(await statuses()).toEqual(["Running", "Pending", "Running", "Running", "Success", "Error"]);
  });
});
