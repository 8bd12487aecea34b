/**
 * The task state machine (lib/delivery/task-state.ts): each move takes only the statuses it starts
 * from, and sets the execution's status with the task's, so an execution whose task is claimed
 * shows Running in the Harbor API and in the UI. On SQLite and PostgreSQL (TEST_DATABASE=postgres),
 * on a database of this file's own (no other file's worker takes these tasks). Open tasks live in
 * the queue (QueueItem): claimed rows are leased there, finished and stopped tasks leave it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as executionRoute from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/route";
import type { Actor } from "@/lib/auth/actor";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { rawTransaction } from "@/lib/db/raw";
import type { TaskOutcome } from "@/lib/delivery/outcome";
import { canMove, claim, expireLeases, finish, MOVES, redeliver, release, stop } from "@/lib/delivery/task-state";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { TASK_STATUSES, type TaskStatus } from "@/lib/shared/task-statuses";
import { makeProject, makeUser } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/session")>()),
  requireUserPage: async () => {
    if (!session.actor) throw new Error("no session in this test");
    return session.actor;
  },
}));
const { loadExecutionDetail, loadPolicyDetail } = await import("@/lib/webhooks-ui/loaders");

const PASSWORD = "password-123";
let dispose: () => Promise<void>;
let admin: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("task-state"));
  admin = await makeUser({ sysadmin: true, password: PASSWORD });
  session.actor = admin.actor;
});
afterAll(async () => {
  await dispose?.();
});

/** A policy with one target and `n` tasks queued for it (one execution each), due now. */
async function queued(n: number) {
  const project = await makeProject();
  const access = await requireProject(admin.actor, project.id, "webhook.manage");
  const { policy } = await createPolicy(
    access,
    policyInputSchema.parse({
      name: "hook",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "http://127.0.0.1:9/hook" }],
    }),
  );
  for (let i = 0; i < n; i++)
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
  const db = await getDb();
  const tasks = await db.task.findMany({ where: { policyId: policy.id }, orderBy: { id: "asc" } });
  return { project, policy, tasks, ids: tasks.map((t) => t.id) };
}

/** Each task's status and its execution's, in id order. */
async function statuses(ids: number[]) {
  const db = await getDb();
  const tasks = await db.task.findMany({
    where: { id: { in: ids } },
    include: { execution: true },
    orderBy: { id: "asc" },
  });
  for (const t of tasks) expect(t.execution.status, `execution of task ${t.id}`).toBe(t.status);
  return tasks.map((t) => t.status);
}

/** The queue rows of `ids`, by task id: open tasks have one, finished tasks none. */
async function queue(ids: number[]) {
  const db = await getDb();
  const rows = await db.queueItem.findMany({ where: { taskId: { in: ids } } });
  return new Map(rows.map((q) => [q.taskId, { leaseOwner: q.leaseOwner, dueAt: Number(q.dueAt) }]));
}

/** Claims exactly `ids` for `owner`. */
const byId = (a: number, b: number) => a - b;

const claimIds = (owner: string, ids: number[]) =>
  claim({ owner, limit: ids.length, leaseMs: 60_000, now: new Date(), only: ids });

function success(t: { id: number; executionId: number; targetId: number }): TaskOutcome {
  const now = new Date();
  return {
    kind: "success",
    taskId: t.id,
    executionId: t.executionId,
    targetId: t.targetId,
    runCount: 1,
    endTime: now,
    attempt: { number: 1, startedAt: now, durationMs: 5, responseStatus: 200, requestHeaders: "{}" },
    logs: [],
  };
}

describe("the moves allowed", () => {
  it("are exactly the documented ones", () => {
    const allowed = TASK_STATUSES.flatMap((from) =>
      TASK_STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "Pending→Running",
        "Pending→Stopped",
        "Running→Success",
        "Running→Error",
        "Running→Pending",
        "Running→Stopped",
        "Success→Pending",
        "Error→Pending",
        "Stopped→Pending",
      ].sort(),
    );
    // Finished tasks move only by an operator's redelivery; nothing leaves a status to itself.
    for (const s of TASK_STATUSES) expect(canMove(s, s)).toBe(false);
    expect(canMove("Success", "Error")).toBe(false);
    expect(canMove("Stopped", "Running")).toBe(false);
    expect(MOVES.redeliver.from).not.toContain("Running");
  });
});

describe("claim, finish, lease expiry and release", () => {
  it("claim: Pending and due → Running with its execution; Running, future and finished tasks are refused", async () => {
    const { ids } = await queued(4);
    const db = await getDb();
    await db.queueItem.update({ where: { taskId: ids[3] }, data: { dueAt: Date.now() + 3_600_000 } });
    const before = Date.now();
    expect((await claimIds("w1", ids.slice(0, 2))).sort(byId)).toEqual(ids.slice(0, 2));
    expect(await statuses(ids.slice(0, 3))).toEqual(["Running", "Running", "Pending"]);
    // Already running, or not due yet: a second claim takes neither.
    expect(await claimIds("w2", [ids[0]!, ids[3]!])).toEqual([]);
    // Leased in the queue until the lease's end; the waiting ones stay unleased.
    const rows = await queue(ids);
    expect(ids.map((id) => rows.get(id)?.leaseOwner)).toEqual(["w1", "w1", null, null]);
    expect(rows.get(ids[0]!)!.dueAt).toBeGreaterThanOrEqual(before + 60_000);
  });

  it("claim by due time: oldest first, up to the limit; tasks of paused or excluded targets wait", async () => {
    const { ids, tasks } = await queued(3);
    const db = await getDb();
    await db.queueItem.updateMany({ where: { taskId: { notIn: ids } }, data: { dueAt: Date.now() + 3_600_000 } });
    const now = Date.now();
    for (const [i, age] of [
      [0, 2_000],
      [1, 1_000],
      [2, 3_000],
    ] as const)
      await db.queueItem.update({ where: { taskId: ids[i] }, data: { dueAt: now - age } });
    const targetId = tasks[0]!.targetId;
    const take = (excludeTargets?: number[]) =>
      claim({ owner: "w-due", limit: 2, leaseMs: 60_000, now: new Date(), excludeTargets });
    expect(await take([targetId])).toEqual([]);
    await db.webhookTarget.update({ where: { id: targetId }, data: { status: "paused" } });
    expect(await take()).toEqual([]);
    await db.webhookTarget.update({ where: { id: targetId }, data: { status: "active" } });
    expect((await take()).sort(byId)).toEqual([ids[0]!, ids[2]!].sort(byId));
    expect(await statuses(ids)).toEqual(["Running", "Pending", "Running"]);
  });

  it("an execution whose task is claimed shows Running in the Harbor API and the UI", async () => {
    const { project, policy, ids, tasks } = await queued(1);
    await claimIds("w-readers", ids);
    const executionId = tasks[0]!.executionId;
    const res = await call(
      executionRoute.GET,
      `/api/v2.0/projects/${project.name}/webhook/policies/${policy.id}/executions/${executionId}`,
      {
        params: {
          project_name_or_id: project.name,
          webhook_policy_id: String(policy.id),
          execution_id: String(executionId),
        },
        auth: `Basic ${Buffer.from(`${admin.actor.kind === "user" ? admin.actor.username : ""}:${PASSWORD}`).toString("base64")}`,
      },
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: executionId, status: "Running" });
    const detail = await loadExecutionDetail(project.name, String(policy.id), String(executionId));
    expect(detail.execution.status).toBe("Running");
    expect(detail.tasks.map((t) => t.status)).toEqual(["Running"]);
    const page = await loadPolicyDetail(project.name, String(policy.id), {});
    expect(JSON.stringify(page)).toContain('"status":"Running"');
  });

  it("finish: only the lease owner's Running tasks move; a stopped one keeps Stopped", async () => {
    const { ids, tasks } = await queued(3);
    await claimIds("w1", ids);
    const db = await getDb();
    await db.$transaction((tx) => stop(tx, { executionId: tasks[2]!.executionId }, "test"));
    const live = await rawTransaction((tx) => finish(tx, "w1", tasks.map(success)));
    expect([...live].sort(byId)).toEqual(ids.slice(0, 2));
    expect(await statuses(ids)).toEqual(["Success", "Success", "Stopped"]);
    // Another worker's outcome for a task no longer leased to it changes nothing.
    const again = await rawTransaction((tx) => finish(tx, "w2", tasks.map(success)));
    expect(again.size).toBe(0);
  });

  it("finish: a retry is Pending again at its time, a failure is Error with its reason", async () => {
    const { ids, tasks } = await queued(2);
    await claimIds("w1", ids);
    const retryAt = new Date(Date.now() + 3_600_000);
    const [a, b] = tasks.map(success);
    await rawTransaction((tx) =>
      finish(tx, "w1", [
        { ...a!, kind: "retry", retryAt, reason: "attempt 1 failed: response code 500" } as TaskOutcome,
        { ...b!, kind: "failed", reason: "response code 400 (not retried)", exhausted: true } as TaskOutcome,
      ]),
    );
    expect(await statuses(ids)).toEqual(["Pending", "Error"]);
    const db = await getDb();
    const [retried, failed] = await db.task.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(retried!.nextAttemptAt.getTime()).toBe(retryAt.getTime());
    // The retry waits in the queue, unleased, until its time; the failed task has left it.
    const rows = await queue(ids);
    expect(rows.get(ids[0]!)).toEqual({ leaseOwner: null, dueAt: retryAt.getTime() });
    expect(rows.has(ids[1]!)).toBe(false);
    expect(failed!.statusMessage).toBe("response code 400 (not retried)");
    expect(failed!.endTime).not.toBeNull();
  });

  it("lease expiry: only Running tasks whose lease has passed go back to Pending", async () => {
    const { ids } = await queued(3);
    await claimIds("w1", ids.slice(0, 2));
    const db = await getDb();
    await db.queueItem.update({ where: { taskId: ids[0] }, data: { dueAt: Date.now() - 1_000 } });
    expect(await expireLeases()).toBeGreaterThanOrEqual(1);
    expect(await statuses(ids)).toEqual(["Pending", "Running", "Pending"]);
    expect((await db.task.findUnique({ where: { id: ids[0] } }))!.statusMessage).toBe(
      "lease expired; delivering again",
    );
  });

  it("release: the owner's Running tasks go back to Pending; another owner's stay", async () => {
    const { ids } = await queued(3);
    await claimIds("w1", ids.slice(0, 2));
    await claimIds("w2", ids.slice(2));
    expect(await release("w1", [ids[0]!])).toBe(1);
    expect(await release("w1", [ids[2]!])).toBe(0);
    expect(await statuses(ids)).toEqual(["Pending", "Running", "Running"]);
    expect(await release("w2")).toBe(1);
    expect(await statuses(ids)).toEqual(["Pending", "Running", "Pending"]);
  });
});

describe("stop and redeliver", () => {
  it("stop: Pending and Running → Stopped; finished tasks are refused", async () => {
    const { policy, ids, tasks } = await queued(3);
    await claimIds("w1", ids.slice(1));
    await rawTransaction((tx) => finish(tx, "w1", [success(tasks[2]!)]));
    const db = await getDb();
    expect(await db.$transaction((tx) => stop(tx, { policyId: policy.id }, "test"))).toBe(2);
    expect(await statuses(ids)).toEqual(["Stopped", "Stopped", "Success"]);
    // Stopped tasks leave the queue: no worker can claim them.
    expect((await queue(ids)).size).toBe(0);
  });

  it("redeliver: Success, Error and Stopped → Pending; Pending and Running are refused", async () => {
    const { ids, tasks } = await queued(5);
    await claimIds("w1", ids.slice(0, 4));
    const [ok, bad] = tasks.map(success);
    await rawTransaction((tx) =>
      finish(tx, "w1", [ok!, { ...bad!, kind: "failed", reason: "no", exhausted: true } as TaskOutcome]),
    );
    const db = await getDb();
    await db.$transaction((tx) => stop(tx, { executionId: tasks[2]!.executionId }, "test"));
    const before: TaskStatus[] = ["Success", "Error", "Stopped", "Running", "Pending"];
    expect(await statuses(ids)).toEqual(before);
    const moved = await db.$transaction((tx) => redeliver(tx, ids, 3));
    expect(moved.map((m) => m.id).sort(byId)).toEqual(ids.slice(0, 3));
    expect(moved.find((m) => m.id === ids[0])).toMatchObject({ runCount: 1, maxAttempts: 4 });
    expect(await statuses(ids)).toEqual(["Pending", "Pending", "Pending", "Running", "Pending"]);
    // Redelivered tasks are back in the queue, due now and unleased; the running one keeps its lease.
    const rows = await queue(ids);
    expect(ids.map((id) => rows.get(id)?.leaseOwner)).toEqual([null, null, null, "w1", null]);
    expect(await claimIds("w3", ids.slice(0, 3))).toHaveLength(3);
    const executions = await db.execution.findMany({ where: { id: { in: tasks.map((t) => t.executionId) } } });
    expect(executions.filter((e) => e.trigger === "MANUAL")).toHaveLength(3);
  });
});
