import { describe, expect, it } from "vitest";
import * as events from "@/app/v1/events/route";
import { getDb } from "@/lib/db/client";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";

const admin = makeUser({ sysadmin: true });

async function setup() {
  const project = await makeProject();
  const { key } = await makeApiKey(project.id);
  const input = policyInputSchema.parse({
    name: "all",
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: DEAD_URL }],
  });
  await createPolicy(await requireProject((await admin).actor, project.id, "webhook.manage"), input);
  return { project, key };
}

const post = (path: string, key: string | undefined, body: unknown) => call(events.POST, { path, key, body });

async function eventsOf(projectId: number) {
  const db = await getDb();
  return {
    events: await db.event.count({ where: { projectId } }),
    executions: await db.execution.count({ where: { event: { projectId } } }),
  };
}

describe("POST /v1/events?validate_only=true", () => {
  it("answers 202 {valid: true} for a valid event and stores nothing", async () => {
    const { project, key } = await setup();
    const res = await post("/v1/events?validate_only=true", key, sampleEvent("PUSH_ARTIFACT"));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ valid: true });
    expect(await eventsOf(project.id)).toEqual({ events: 0, executions: 0 });
    // validate_only=false (or absent) stores the event as usual.
    const stored = await post("/v1/events?validate_only=false", key, sampleEvent("PUSH_ARTIFACT"));
    expect(stored.status).toBe(202);
    expect(stored.json).toEqual({ id: expect.any(Number), deliveries: 1 });
    expect(await eventsOf(project.id)).toEqual({ events: 1, executions: 1 });
  });

  it("still authenticates and validates: bad key 401, bad event 400 with the field, bad flag 400", async () => {
    const { project, key } = await setup();
    expectV1Error(
      await post("/v1/events?validate_only=true", undefined, sampleEvent("PUSH_ARTIFACT")),
      401,
      "unauthorized",
    );
    expectV1Error(
      await post("/v1/events?validate_only=true", "hn_test_unknown", sampleEvent("PUSH_ARTIFACT")),
      401,
      "unauthorized",
    );
    expectV1Error(
      await post("/v1/events?validate_only=true", key, { ...sampleEvent("PUSH_ARTIFACT"), type: "NOPE" }),
      400,
      "validation_error",
      "type",
    );
    expectV1Error(
      await post("/v1/events?validate_only=yes", key, sampleEvent("PUSH_ARTIFACT")),
      400,
      "validation_error",
      "validate_only",
    );
    expectV1Error(
      await call(events.POST, { path: "/v1/events?validate_only=true", key, body: "{not json" }),
      400,
      "invalid_json",
      "body",
    );
    expect(await eventsOf(project.id)).toEqual({ events: 0, executions: 0 });
  });
});
