// Target health: healthy, failing since, paused with reason and time, shown the same by the Harbor
// API (the health extension of each target) and the Destinations API; Resume through the UI action
// unpauses the target and, when asked, redelivers the tasks that failed since it started failing.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import * as harborPolicy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as harborResume from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/resume/route";
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call } from "../helpers/http";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async () => {
  const { unauthorized } = await import("@/lib/errors");
  return {
    requireUserAction: async () => {
      if (!session.actor) throw unauthorized("your session has expired; sign in again");
      return session.actor;
    },
  };
});
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const webhooks = await import("@/app/projects/[project]/webhooks/actions");

const PASSWORD = "password-123";
const basic = (username: string) => `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString("base64")}`;

async function setup() {
  const admin = await makeUser({ password: PASSWORD });
  const maintainer = await makeUser({ password: PASSWORD });
  const project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
  session.actor = admin.actor;
  const created = await webhooks.createPolicyAction(project.name, {
    name: "health",
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: DEAD_URL, payload_format: "Default" }],
  });
  if (!created.ok) throw new Error(created.message);
  const policyId = created.data!.id;
  const db = await getDb();
  const target = await db.webhookTarget.findFirstOrThrow({ where: { policyId } });
  return { admin, maintainer, project, policyId, targetId: target.id };
}

async function harborHealth(project: string, policyId: number, username: string) {
  const r = await call(harborPolicy.GET, `/api/v2.0/projects/${project}/webhook/policies/${policyId}`, {
    auth: basic(username),
    params: { project_name_or_id: project, webhook_policy_id: String(policyId) },
  });
  expect(r.status, r.text).toBe(200);
  return (r.json as { targets: Array<{ health: Record<string, unknown> }> }).targets[0]!.health;
}

/** A finished task of the policy's target that ended in Error at `endTime`. */
async function failedTask(policyId: number, targetId: number, endTime: Date) {
  const db = await getDb();
  const policy = await db.webhookPolicy.findUniqueOrThrow({ where: { id: policyId } });
  const event = await db.event.create({
    data: {
      projectId: policy.projectId,
      type: "PUSH_ARTIFACT",
      occurAt: BigInt(1),
      eventData: "{}",
      requestId: `r-${endTime.getTime()}`,
      source: "api",
    },
  });
  const execution = await db.execution.create({
    data: {
      policyId,
      eventId: event.id,
      targetId,
      vendorType: "http",
      eventType: "PUSH_ARTIFACT",
      status: "Error",
      startTime: endTime,
      endTime,
    },
  });
  return db.task.create({
    data: {
      executionId: execution.id,
      policyId,
      targetId,
      webhookId: `msg_${execution.id}`,
      status: "Error",
      statusMessage: "response code 500",
      runCount: 3,
      maxAttempts: 3,
      endTime,
    },
  });
}

beforeEach(() => {
  session.actor = null;
});

describe("target health", () => {
  it("healthy, failing since, paused: the same in the Harbor API and on the target", async () => {
    const { admin, maintainer, project, policyId, targetId } = await setup();
    const db = await getDb();
    expect(await harborHealth(project.name, policyId, admin.user.username)).toEqual({
      state: "healthy",
      failing_since: null,
      consecutive_failures: 0,
      last_success_at: null,
      last_failure_reason: null,
      paused_reason: null,
      paused_at: null,
    });
    const since = new Date("2026-11-30T10:00:00.000Z");
    const success = new Date("2026-11-30T09:00:00.000Z");
    await db.webhookTarget.update({
      where: { id: targetId },
      data: {
        consecutiveFailures: 4,
        firstFailureAt: since,
        lastSuccessAt: success,
        lastFailureReason: "response code 500",
      },
    });
    expect(await harborHealth(project.name, policyId, maintainer.user.username)).toMatchObject({
      state: "failing",
      failing_since: since.toISOString(),
      consecutive_failures: 4,
      last_success_at: success.toISOString(),
      last_failure_reason: "response code 500",
    });
    const pausedAt = new Date("2026-11-30T11:00:00.000Z");
    await db.webhookTarget.update({
      where: { id: targetId },
      data: { status: "paused", pausedAt, pausedReason: "paused automatically: 4 deliveries in a row failed" },
    });
    expect(await harborHealth(project.name, policyId, admin.user.username)).toMatchObject({
      state: "paused",
      paused_reason: "paused automatically: 4 deliveries in a row failed",
      paused_at: pausedAt.toISOString(),
    });
  });

  it("Resume unpauses, and with redeliver requeues what failed since the target started failing", async () => {
    const { admin, maintainer, project, policyId, targetId } = await setup();
    const db = await getDb();
    const since = new Date(Date.now() - 3_600_000);
    const before = await failedTask(policyId, targetId, new Date(since.getTime() - 60_000));
    const during = await failedTask(policyId, targetId, new Date(since.getTime() + 60_000));
    await db.webhookTarget.update({
      where: { id: targetId },
      data: {
        status: "paused",
        pausedAt: new Date(),
        pausedReason: "paused automatically",
        consecutiveFailures: 5,
        firstFailureAt: since,
      },
    });

    session.actor = maintainer.actor;
    expect(await webhooks.resumeTargetAction(project.name, policyId, targetId, true)).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect((await db.webhookTarget.findUniqueOrThrow({ where: { id: targetId } })).status).toBe("paused");

    session.actor = admin.actor;
    const r = await webhooks.resumeTargetAction(project.name, policyId, targetId, true);
    expect(r).toMatchObject({ ok: true, data: { redelivered: 1 } });
    const target = await db.webhookTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(target).toMatchObject({
      status: "active",
      pausedReason: null,
      consecutiveFailures: 0,
      firstFailureAt: null,
    });
    expect((await db.task.findUniqueOrThrow({ where: { id: during.id } })).status).toBe("Pending");
    expect((await db.task.findUniqueOrThrow({ where: { id: before.id } })).status).toBe("Error");
    expect((await harborHealth(project.name, policyId, admin.user.username)).state).toBe("healthy");

    // Without redeliver nothing is requeued.
    await db.webhookTarget.update({
      where: { id: targetId },
      data: { status: "paused", pausedAt: new Date(), firstFailureAt: since },
    });
    expect(await webhooks.resumeTargetAction(project.name, policyId, targetId)).toMatchObject({
      ok: true,
      data: { redelivered: 0 },
    });
    expect((await db.task.findUniqueOrThrow({ where: { id: before.id } })).status).toBe("Error");
  });

  it("the Harbor API resumes: one target by address or every paused one, with or without redelivery", async () => {
    const { admin, maintainer, project, policyId, targetId } = await setup();
    const db = await getDb();
    const since = new Date(Date.now() - 3_600_000);
    const during = await failedTask(policyId, targetId, new Date(since.getTime() + 60_000));
    const pause = () =>
      db.webhookTarget.update({
        where: { id: targetId },
        data: { status: "paused", pausedAt: new Date(), pausedReason: "paused automatically", firstFailureAt: since },
      });
    const resume = (username: string, body: unknown) =>
      call(harborResume.POST, `/api/v2.0/projects/${project.name}/webhook/policies/${policyId}/resume`, {
        method: "POST",
        auth: basic(username),
        body,
        params: { project_name_or_id: project.name, webhook_policy_id: String(policyId) },
      });
    await pause();

    const refused = await resume(maintainer.user.username, {});
    expect(refused.status, refused.text).toBe(403);
    const unknown = await resume(admin.user.username, { address: "https://elsewhere.example/hook" });
    expect(unknown.status, unknown.text).toBe(404);
    const bad = await resume(admin.user.username, { redeliver: "yes please" });
    expect(bad.status, bad.text).toBe(400);

    const one = await resume(admin.user.username, { address: DEAD_URL, redeliver: true });
    expect(one.status, one.text).toBe(200);
    expect(one.json).toEqual({ resumed: 1, redelivered: 1 });
    expect((await db.task.findUniqueOrThrow({ where: { id: during.id } })).status).toBe("Pending");
    expect(await harborHealth(project.name, policyId, admin.user.username)).toMatchObject({ state: "healthy" });

    // Nothing paused: nothing to do.
    expect((await resume(admin.user.username, {})).json).toEqual({ resumed: 0, redelivered: 0 });
    await pause();
    expect((await resume(admin.user.username, {})).json).toEqual({ resumed: 1, redelivered: 0 });
    expect((await db.webhookTarget.findUniqueOrThrow({ where: { id: targetId } })).status).toBe("active");
  });

  it("the Destinations API shows the same health", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id, "test");
    const created = await call(destinations.POST, { path: "/v1/destinations", key, body: { url: DEAD_URL } });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: string }).id;
    expect((created.json as { health: unknown }).health).toMatchObject({ state: "healthy", consecutive_failures: 0 });
    const db = await getDb();
    const policy = await db.webhookPolicy.findFirstOrThrow({ where: { publicId: id }, include: { targets: true } });
    const since = new Date("2026-11-30T10:00:00.000Z");
    await db.webhookTarget.update({
      where: { id: policy.targets[0]!.id },
      data: { consecutiveFailures: 2, firstFailureAt: since, lastFailureReason: "connection refused" },
    });
    const r = await call(destination.GET, { path: `/v1/destinations/${id}`, key, params: { id } });
    expect(r.status).toBe(200);
    expect((r.json as { health: unknown }).health).toEqual({
      state: "failing",
      failing_since: since.toISOString(),
      consecutive_failures: 2,
      last_success_at: null,
      last_failure_reason: "connection refused",
      paused_reason: null,
      paused_at: null,
    });
  });
});
