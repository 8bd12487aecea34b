import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { newMessageId } from "@/lib/ids";
import { sampleEvent } from "@/lib/events/samples";
import type { EventType } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";

/**
 * The Harbor API tests' world: callers of every kind (HTTP Basic per role, API keys), policies
 * and stored deliveries. Requests go through tests/helpers/http.ts's `call`; test files mock
 * next-auth with tests/helpers/session-mock.ts, so an anonymous call reaches the 401 it gets over HTTP.
 */

export const CALLERS = [
  "anonymous",
  "guest",
  "developer",
  "maintainer",
  "projectAdmin",
  "otherProjectAdmin",
  "sysadmin",
  "liveKey",
  "testKey",
  "revokedKey",
  "otherProjectKey",
] as const;
export type Caller = (typeof CALLERS)[number];

const PASSWORD = "password-123";
const basic = (username: string) => `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString("base64")}`;

/** A project with one member of each role, another project with its own admin, and keys. */
export async function makeWorld() {
  const sys = await makeUser({ sysadmin: true, password: PASSWORD });
  const admin = await makeUser({ password: PASSWORD });
  const maintainer = await makeUser({ password: PASSWORD });
  const developer = await makeUser({ password: PASSWORD });
  const guest = await makeUser({ password: PASSWORD });
  const otherAdmin = await makeUser({ password: PASSWORD });
  const project = await makeProject({
    [admin.user.id]: "projectAdmin",
    [maintainer.user.id]: "maintainer",
    [developer.user.id]: "developer",
    [guest.user.id]: "guest",
  });
  const other = await makeProject({ [otherAdmin.user.id]: "projectAdmin" });
  const live = await makeApiKey(project.id, "live");
  const test = await makeApiKey(project.id, "test");
  const revoked = await makeApiKey(project.id, "live");
  await (await getDb()).apiKey.update({ where: { id: revoked.row.id }, data: { revokedAt: new Date() } });
  const otherKey = await makeApiKey(other.id, "live");

  const auth: Record<Caller, string | undefined> = {
    anonymous: undefined,
    guest: basic(guest.user.username),
    developer: basic(developer.user.username),
    maintainer: basic(maintainer.user.username),
    projectAdmin: basic(admin.user.username),
    otherProjectAdmin: basic(otherAdmin.user.username),
    sysadmin: basic(sys.user.username),
    liveKey: `Bearer ${live.key}`,
    testKey: `Bearer ${test.key}`,
    revokedKey: `Bearer ${revoked.key}`,
    otherProjectKey: `Bearer ${otherKey.key}`,
  };
  return {
    project,
    other,
    users: { sys, admin, maintainer, developer, guest, otherAdmin },
    keys: { live, test, revoked, otherKey },
    auth,
    basic,
  };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

/** Harbor's error body, exactly. */
export function harborError(code: string, message: string) {
  return { errors: [{ code, message }] };
}

let seq = 0;
export const uniquePolicyName = (prefix = "hook") => `${prefix}-${Date.now().toString(36)}-${++seq}`;

/** A policy made through the service, with an http target (auth header set) and a Slack target. */
export async function makePolicy(
  actor: Actor,
  project: { id: number; name: string; public: boolean },
  extra: Record<string, unknown> = {},
) {
  const input = policyInputSchema.parse({
    name: uniquePolicyName(),
    event_types: ["PUSH_ARTIFACT", "PULL_ARTIFACT"],
    targets: [
      { type: "http", address: DEAD_URL, auth_header: "Bearer top-secret", payload_format: "CloudEvents" },
      { type: "slack", address: "http://127.0.0.1:9/slack" },
    ],
    ...extra,
  });
  return (await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input)).policy;
}

/**
 * A delivery of `eventType` to the policy's first target, written directly with its status, a log
 * line and an attempt. Pending ones are due tomorrow, so no test's delivery worker claims them.
 */
export async function makeDelivery(
  policy: { id: number; projectId: number | null; targets: { id: number; type: string }[] },
  opts: { status?: string; eventType?: EventType; startTime?: Date; targetIndex?: number; projectId?: number } = {},
) {
  // An instance-wide policy has no project: the event is of the project the caller names.
  const projectId = opts.projectId ?? policy.projectId;
  if (projectId === null) throw new Error("makeDelivery: name the event's project for an instance-wide policy");
  const db = await getDb();
  const status = opts.status ?? "Error";
  const eventType = opts.eventType ?? "PUSH_ARTIFACT";
  const target = policy.targets[opts.targetIndex ?? 0];
  const sample = sampleEvent(eventType);
  const finished = status !== "Pending" && status !== "Running";
  const start = opts.startTime ?? new Date();
  const event = await db.event.create({
    data: {
      projectId,
      type: eventType,
      occurAt: sample.occur_at,
      operator: sample.operator,
      eventData: JSON.stringify(sample.event_data),
      requestId: `req-${seq++}`,
      source: "api",
    },
  });
  const execution = await db.execution.create({
    data: {
      policyId: policy.id,
      targetId: target.id,
      eventId: event.id,
      vendorType: target.type === "slack" ? "SLACK" : "WEBHOOK",
      eventType,
      status,
      statusMessage: finished && status === "Error" ? "connection refused" : "",
      startTime: start,
      endTime: finished ? new Date(start.getTime() + 50) : null,
    },
  });
  const task = await db.task.create({
    data: {
      executionId: execution.id,
      policyId: policy.id,
      targetId: target.id,
      webhookId: newMessageId(),
      status,
      statusMessage: execution.statusMessage,
      runCount: finished ? 1 : 0,
      maxAttempts: 1,
      nextAttemptAt: new Date(Date.now() + 86_400_000),
      createdAt: start,
      startTime: finished ? start : null,
      endTime: execution.endTime,
      // An open task is in the queue, as the state machine keeps it (not due: no worker takes it).
      ...(finished ? {} : { queueItem: { create: { targetId: target.id, dueAt: Date.now() + 86_400_000 } } }),
    },
  });
  if (finished) {
    await db.attempt.create({
      data: {
        taskId: task.id,
        number: 1,
        startedAt: start,
        durationMs: 12,
        responseStatus: null,
        error: "connect ECONNREFUSED 127.0.0.1:9",
      },
    });
    await db.taskLog.create({
      data: { taskId: task.id, at: start, level: "INFO", message: "start to run webhook job" },
    });
    await db.taskLog.create({
      data: { taskId: task.id, at: start, level: "ERROR", message: "failed to run webhook job: connect ECONNREFUSED" },
    });
  }
  return { event, execution, task, sample };
}
