// PROJECT_CREATED and PROJECT_DELETED from our own projects API and UI. A created project's event
// is an event of that project; a deleted project's event is recorded after the project, its
// policies, events and history are gone, as an event of no project that names it, so the deletion
// neither fails nor loses it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";

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
vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

import * as projects from "@/app/api/v2.0/projects/route";
import * as project from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import { getDb } from "@/lib/db/client";
import { parseHarborEvent } from "@/lib/events/types";
import { renderPayload } from "@/lib/formats";
import { CHAT_TYPES, EVENT_LABELS, type HarborEvent } from "@/lib/shared/events";
import { makeUser, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { makeDelivery, makePolicy } from "../harbor-api/helpers";
import { useOwnDatabase } from "../helpers/own-database";

const actions = await import("@/app/projects/actions");

let dispose: (() => Promise<void>) | undefined;
let sys: Awaited<ReturnType<typeof makeUser>>;
const PASSWORD = "password-123";
const basic = () => `Basic ${Buffer.from(`${sys.user.username}:${PASSWORD}`).toString("base64")}`;
beforeAll(async () => {
  // Project-less events are counted per database: this file keeps its own.
  ({ dispose } = await useOwnDatabase("project-events"));
  sys = await makeUser({ sysadmin: true, password: PASSWORD });
}, 60_000);
afterAll(async () => {
  await dispose?.();
});

const toHarbor = (e: { type: string; occurAt: bigint; operator: string; eventData: string }): HarborEvent =>
  ({
    type: e.type,
    occur_at: Number(e.occurAt),
    operator: e.operator,
    event_data: JSON.parse(e.eventData),
  }) as HarborEvent;

/** The event renders in every format a policy could send it in. */
function expectEveryRendering(event: HarborEvent, projectName: string) {
  const ctx = { id: "m", requestId: "r", projectId: 1, policyId: 2 };
  expect(JSON.parse(renderPayload({ type: "http", payloadFormat: "Default" }, event, ctx).body)).toEqual(event);
  const ce = JSON.parse(renderPayload({ type: "http", payloadFormat: "CloudEvents" }, event, ctx).body);
  expect(ce).toMatchObject({
    type: `harbor.project.${event.type === "PROJECT_CREATED" ? "created" : "deleted"}`,
    data: event.event_data,
  });
  for (const type of [...CHAT_TYPES, "slack", "email"] as const) {
    const body = renderPayload({ type, payloadFormat: "Default" }, event, ctx).body;
    expect(body, type).toContain(projectName);
    if (type !== "slack") expect(body, type).toContain(EVENT_LABELS[event.type]);
  }
}

describe("project events", () => {
  it("the projects API records PROJECT_CREATED for the new project, shaped as Harbor's project event", async () => {
    const name = `p-${uid()}`;
    const res = await call(projects.POST, "/api/v2.0/projects", {
      auth: basic(),
      body: { project_name: name, metadata: { public: "true" } },
    });
    expect(res.status, res.text).toBe(201);
    const db = await getDb();
    const row = await db.project.findUniqueOrThrow({ where: { name } });
    const [stored] = await db.event.findMany({ where: { projectId: row.id, type: "PROJECT_CREATED" } });
    const event = toHarbor(stored);
    expect(event).toEqual({
      type: "PROJECT_CREATED",
      occur_at: expect.any(Number),
      operator: sys.user.username,
      event_data: { project: { project_id: row.id, name, public: true } },
    });
    expect(Math.abs(event.occur_at - Date.now() / 1000)).toBeLessThan(60);
    expect(parseHarborEvent(event)).toMatchObject({ ok: true });
    expectEveryRendering(event, name);
  });

  it("the UI's create action records PROJECT_CREATED too", async () => {
    session.actor = sys.actor;
    const name = `ui-${uid()}`;
    const form = new FormData();
    form.set("name", name);
    const r = await actions.createProjectAction(undefined, form);
    expect(r.ok).toBe(true);
    const db = await getDb();
    const row = await db.project.findUniqueOrThrow({ where: { name } });
    expect(await db.event.count({ where: { projectId: row.id, type: "PROJECT_CREATED" } })).toBe(1);
    session.actor = null;
  });

  it("deleting a project with policies and pending deliveries records PROJECT_DELETED as an event of no project", async () => {
    const name = `del-${uid()}`;
    expect(
      (await call(projects.POST, "/api/v2.0/projects", { auth: basic(), body: { project_name: name } })).status,
    ).toBe(201);
    const db = await getDb();
    const row = await db.project.findUniqueOrThrow({ where: { name } });
    const policy = await makePolicy(sys.actor, row);
    await makeDelivery(policy, { status: "Pending" });

    const res = await call(project.DELETE, `/api/v2.0/projects/${name}`, {
      method: "DELETE",
      auth: basic(),
      params: { project_name_or_id: name },
    });
    expect(res.status, res.text).toBe(200);
    expect(await db.project.findUnique({ where: { id: row.id } })).toBeNull();
    expect(await db.webhookPolicy.count({ where: { projectId: row.id } })).toBe(0);
    expect(await db.event.count({ where: { projectId: row.id } })).toBe(0);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(0);

    const deleted = (await db.event.findMany({ where: { projectId: null, type: "PROJECT_DELETED" } })).filter(
      (e) => JSON.parse(e.eventData).project.name === name,
    );
    expect(deleted).toHaveLength(1);
    const event = toHarbor(deleted[0]);
    expect(event).toMatchObject({
      type: "PROJECT_DELETED",
      operator: sys.user.username,
      event_data: { project: { project_id: row.id, name, public: false } },
    });
    // No policy of the project is left to receive it.
    expect(await db.execution.count({ where: { eventId: deleted[0].id } })).toBe(0);
    expectEveryRendering(event, name);
  });
});
