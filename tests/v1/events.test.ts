import { describe, expect, it } from "vitest";
import * as events from "@/app/v1/events/route";
import { getDb } from "@/lib/db/client";
import { EVENT_TYPES, type EventType } from "@/lib/shared/events";
import { sampleEvent } from "@/lib/events/samples";
import { buildDefaultPayload } from "@/lib/formats";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";

const admin = makeUser({ sysadmin: true });

/** A project with a key and a policy subscribed to `types`, with two targets (Default + CloudEvents). */
async function setup(types: readonly EventType[] = EVENT_TYPES) {
  const project = await makeProject();
  const { key, row } = await makeApiKey(project.id);
  const input = policyInputSchema.parse({
    name: "all",
    event_types: types,
    targets: [
      { type: "http", address: DEAD_URL, payload_format: "Default" },
      { type: "http", address: DEAD_URL, payload_format: "CloudEvents" },
    ],
  });
  const { policy } = await createPolicy(await requireProject((await admin).actor, project.id, "webhook.manage"), input);
  return { project, key, keyRow: row, policy };
}

const post = (key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  call(events.POST, { path: "/v1/events", key, body, headers });

type Accepted = { id: number; deliveries: number; duplicate?: true };

describe("POST /v1/events", () => {
  it("an occur_at after 2038-01-19 (beyond 32 bits) is stored and delivered as posted", async () => {
    const { key } = await setup(["PUSH_ARTIFACT"]);
    const posted = { ...sampleEvent("PUSH_ARTIFACT"), occur_at: 4_102_444_800 }; // 2100-01-01
    const res = await post(key, posted);
    expect(res.status).toBe(202);
    const db = await getDb();
    const event = await db.event.findUniqueOrThrow({ where: { id: (res.json as Accepted).id } });
    expect(Number(event.occurAt)).toBe(4_102_444_800);
    const { loadClaimedTasks } = await import("@/lib/delivery/load");
    const task = await db.task.findFirstOrThrow({ where: { execution: { eventId: event.id } } });
    expect((await loadClaimedTasks([task.id]))[0]!.execution.event.occurAt).toBe(4_102_444_800);
  });

  it.each(EVENT_TYPES)("accepts %s, stores it as posted and queues one delivery per target", async (type) => {
    const { project, key, policy } = await setup();
    const posted = sampleEvent(type);
    const res = await post(key, posted);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ id: expect.any(Number), deliveries: 2 });
    const db = await getDb();
    const event = await db.event.findUniqueOrThrow({
      where: { id: (res.json as Accepted).id },
      include: { executions: true },
    });
    expect(event).toMatchObject({
      projectId: project.id,
      type,
      operator: posted.operator,
      source: "api",
    });
    // A 64-bit column: the SQLite client reads it as a bigint, the PostgreSQL one as a number.
    expect(Number(event.occurAt)).toBe(posted.occur_at);
    expect(event.executions.map((e) => e.policyId)).toEqual([policy.id, policy.id]);
    // The Default body a receiver gets is exactly what was posted.
    const delivered = buildDefaultPayload({
      type,
      occur_at: Number(event.occurAt),
      operator: event.operator,
      event_data: JSON.parse(event.eventData),
    }).body;
    expect(delivered).toBe(JSON.stringify(posted));
  });

  it("fills occur_at with now and operator with an empty string", async () => {
    const { key } = await setup();
    const { type, event_data } = sampleEvent("QUOTA_WARNING");
    const before = Math.floor(Date.now() / 1000);
    const res = await post(key, { type, event_data });
    expect(res.status).toBe(202);
    const db = await getDb();
    const event = await db.event.findUniqueOrThrow({ where: { id: (res.json as Accepted).id } });
    expect(Number(event.occurAt)).toBeGreaterThanOrEqual(before);
    expect(Number(event.occurAt)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(event.operator).toBe("");
  });

  it("delivers only to policies of the key's project that subscribe to the type", async () => {
    const a = await setup(["PUSH_ARTIFACT"]);
    const b = await setup(["PUSH_ARTIFACT"]);
    expect((await post(a.key, sampleEvent("PULL_ARTIFACT"))).json).toEqual({ id: expect.any(Number), deliveries: 0 });
    const res = await post(a.key, sampleEvent("PUSH_ARTIFACT"));
    expect((res.json as Accepted).deliveries).toBe(2);
    const db = await getDb();
    expect(await db.execution.count({ where: { policyId: b.policy.id } })).toBe(0);
    expect((await db.event.findUniqueOrThrow({ where: { id: (res.json as Accepted).id } })).projectId).toBe(
      a.project.id,
    );
  });

  it("Idempotency-Key: the same key twice fans out once", async () => {
    const { project, key, policy } = await setup();
    const headers = { "Idempotency-Key": "build-4711-push" };
    const first = await post(key, sampleEvent("PUSH_ARTIFACT"), headers);
    const second = await post(key, sampleEvent("PUSH_ARTIFACT"), headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const id = (first.json as Accepted).id;
    expect(first.json).toEqual({ id, deliveries: 2 });
    expect(second.json).toEqual({ id, deliveries: 2, duplicate: true });
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1);
    expect(await db.execution.count({ where: { policyId: policy.id } })).toBe(2);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(2);

    // Another key value is another event; the same value in another project is independent.
    expect((await post(key, sampleEvent("PUSH_ARTIFACT"), { "Idempotency-Key": "build-4712-push" })).json).toEqual({
      id: expect.any(Number),
      deliveries: 2,
    });
    const other = await setup();
    const inOther = await post(other.key, sampleEvent("PUSH_ARTIFACT"), headers);
    expect((inOther.json as Accepted).duplicate).toBeUndefined();
    expect((inOther.json as Accepted).id).not.toBe(id);
  });

  it("Idempotency-Key with another body is 422 idempotency_key_reused; key order and spacing are the same body", async () => {
    const { project, key, policy } = await setup();
    const headers = { "Idempotency-Key": "build-4713" };
    const posted = sampleEvent("PUSH_ARTIFACT");
    const first = await post(key, posted, headers);
    expect(first.status).toBe(202);
    const id = (first.json as Accepted).id;

    // The same event with its keys in another order is the same body: a duplicate, as before.
    const reordered = Object.fromEntries(Object.entries(posted).reverse());
    expect((await post(key, reordered, headers)).json).toEqual({ id, deliveries: 2, duplicate: true });

    const changed = { ...posted, operator: "someone-else" };
    const reused = await post(key, changed, headers);
    expect(reused.status).toBe(422);
    expect(reused.json).toEqual({
      error: {
        code: "idempotency_key_reused",
        message: "this Idempotency-Key was already used with a different request body; use a new key for a new event",
        field: "Idempotency-Key",
      },
    });
    // Nothing new was stored or queued; the stored event is the first one.
    const db = await getDb();
    const stored = await db.event.findMany({ where: { projectId: project.id } });
    expect(stored.map((e) => [e.id, e.operator])).toEqual([[id, posted.operator]]);
    expect(stored[0].bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(2);
    // Without the key, another body is simply another event.
    expect((await post(key, changed)).status).toBe(202);
  });

  it("Idempotency-Key of an event stored without a body hash (before the check existed) stays a duplicate", async () => {
    const { project, key } = await setup();
    const headers = { "Idempotency-Key": "legacy-1" };
    const first = await post(key, sampleEvent("PUSH_ARTIFACT"), headers);
    const db = await getDb();
    await db.event.updateMany({ where: { projectId: project.id }, data: { bodyHash: null } });
    const again = await post(key, { ...sampleEvent("PUSH_ARTIFACT"), operator: "other" }, headers);
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ id: (first.json as Accepted).id, deliveries: 2, duplicate: true });
  });

  it("Idempotency-Key: concurrent retries still create one event", async () => {
    const { project, key } = await setup();
    const headers = { "Idempotency-Key": "race-1" };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(key, sampleEvent("PUSH_ARTIFACT"), headers)),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => (a.json as Accepted).id)).size).toBe(1);
    expect(answers.filter((a) => !(a.json as Accepted).duplicate)).toHaveLength(1);
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1);
  });

  it("Idempotency-Key over 255 characters or empty is a validation_error", async () => {
    const { project, key } = await setup();
    expectV1Error(
      await post(key, sampleEvent("PUSH_ARTIFACT"), { "Idempotency-Key": "k".repeat(256) }),
      400,
      "validation_error",
      "Idempotency-Key",
    );
    expectV1Error(
      await post(key, sampleEvent("PUSH_ARTIFACT"), { "Idempotency-Key": "" }),
      400,
      "validation_error",
      "Idempotency-Key",
    );
    expect((await post(key, sampleEvent("PUSH_ARTIFACT"), { "Idempotency-Key": "k".repeat(255) })).status).toBe(202);
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1);
  });

  it("X-Request-Id becomes the event's request id and is echoed", async () => {
    const { key } = await setup();
    const res = await post(key, sampleEvent("REPLICATION"), { "X-Request-Id": "ci-run-42.step-3" });
    expect(res.headers.get("x-request-id")).toBe("ci-run-42.step-3");
    const db = await getDb();
    expect((await db.event.findUniqueOrThrow({ where: { id: (res.json as Accepted).id } })).requestId).toBe(
      "ci-run-42.step-3",
    );
    // Without one, the generated id is answered and stored alike.
    const res2 = await post(key, sampleEvent("REPLICATION"));
    const generated = res2.headers.get("x-request-id");
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await db.event.findUniqueOrThrow({ where: { id: (res2.json as Accepted).id } })).requestId).toBe(generated);
  });

  it("validation_error names the field; nothing is written", async () => {
    const { project, key } = await setup();
    const push = sampleEvent("PUSH_ARTIFACT");
    const cases: [unknown, string][] = [
      [{ ...push, type: "PUSHED" }, "type"],
      [{ event_data: push.event_data }, "type"],
      [{ type: "PUSH_ARTIFACT" }, "event_data"],
      [{ ...push, occur_at: "yesterday" }, "occur_at"],
      [{ ...push, occur_at: 1_680_501_893_000 }, "occur_at"],
      [{ ...push, operator: 7 }, "operator"],
      [
        { ...push, event_data: { ...push.event_data, resources: [{ tag: "x", resource_url: "y" }] } },
        "event_data.resources.0.digest",
      ],
      [{ ...push, event_data: { resources: [] } }, "event_data.resources"],
      [[push], "body"],
      [JSON.stringify("PUSH_ARTIFACT"), "body"], // a JSON string, not an object
    ];
    for (const [body, field] of cases) expectV1Error(await post(key, body), 400, "validation_error", field);
    expectV1Error(await call(events.POST, { path: "/v1/events", key, body: "{not json" }), 400, "invalid_json", "body");
    const big = { ...push, event_data: { ...push.event_data, padding: "x".repeat(1024 * 1024) } };
    const tooLarge = await post(key, big);
    expectV1Error(tooLarge, 413, "payload_too_large", "body");
    expect((tooLarge.json as { error: { message: string } }).error.message).toMatch(/1048576 bytes \(1 MiB\)/);
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("unauthorized: no key, unknown, revoked, or user credentials", async () => {
    const { project, key, keyRow } = await setup();
    const db = await getDb();
    for (const auth of [undefined, "Bearer nope", "Basic YWRtaW46eA==", `Bearer ${key}x`]) {
      expectV1Error(
        await call(events.POST, { path: "/v1/events", auth, body: sampleEvent("PUSH_ARTIFACT") }),
        401,
        "unauthorized",
      );
    }
    expect((await post(key, sampleEvent("PUSH_ARTIFACT"))).status).toBe(202);
    await db.apiKey.update({ where: { id: keyRow.id }, data: { revokedAt: new Date() } });
    expectV1Error(await post(key, sampleEvent("PUSH_ARTIFACT")), 401, "unauthorized");
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1);
  });
});
