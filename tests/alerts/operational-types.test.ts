// Operational event types are for instance-wide webhooks only: a project's webhook that selects one
// is refused with a stable code and field in every API, clients cannot post one, and the catalog
// documents them. The alert sender on its own (no worker): an alert written with a pause waits in
// the database until a sender takes it, and two senders at once send it once. What an alert says:
// its operational event passes the catalog's schema and names the target without secrets.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as projectPolicies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as projectPolicy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as projectEvents from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/events/route";
import * as systemPolicies from "@/app/api/v2.0/system/webhook/policies/route";
import * as systemEvents from "@/app/api/v2.0/system/webhook/events/route";
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import * as events from "@/app/v1/events/route";
import type { Actor } from "@/lib/auth/actor";
import { alertAddress, alertEmail, operationalEvent, type AlertFacts } from "@/lib/alerts/message";
import { sendDueAlerts } from "@/lib/alerts/sender";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { createPolicy, resumeTarget } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { eventTypeCatalog } from "@/lib/events/catalog";
import { EVENT_DATA_SCHEMAS } from "@/lib/events/types";
import { NO_SMTP_DETAIL } from "@/lib/shared/alerts";
import { EVENT_TYPES, OPERATIONAL_EVENT_TYPES } from "@/lib/shared/events";
import { makeApiKey, makeProject, makeUser, uid } from "../helpers/fixtures";
import { call, expectHarborError, expectV1Error } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", async (actual) => ({
  ...(await actual<typeof import("@/lib/auth/session")>()),
  requireUserPage: async () => {
    if (!session.actor) throw new Error("no session in this test");
    return session.actor;
  },
}));
const { loadPolicyDetail } = await import("@/lib/webhooks-ui/loaders");

const PASSWORD = "password-123";
const basic = (username: string) => `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString("base64")}`;
const OPERATIONAL_MESSAGE =
  "event_types: webhook.target_paused is an operational event type: only instance-wide webhooks (Instance-wide webhooks, system admins) receive operational events.";

// A database of the file's own: the sender takes every due alert of the database it runs on.
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ dispose } = await useOwnDatabase("operational-types"));
});
afterAll(async () => dispose?.());

const policyBody = (eventTypes: string[], extra: Record<string, unknown> = {}) => ({
  name: `hook-${uid()}`,
  event_types: eventTypes,
  targets: [{ type: "http", address: "http://127.0.0.1:9/hook", payload_format: "Default" }],
  ...extra,
});

describe("operational event types: instance-wide webhooks only", () => {
  it("a project's webhook is refused them (Harbor API create and update, Destinations API); an instance-wide one takes them", async () => {
    const admin = await makeUser({ password: PASSWORD });
    const sys = await makeUser({ sysadmin: true, password: PASSWORD });
    const project = await makeProject({ [admin.user.id]: "projectAdmin" });
    const params = { project_name_or_id: project.name };
    const path = `/api/v2.0/projects/${project.name}/webhook/policies`;

    const refused = await call(projectPolicies.POST, path, {
      auth: basic(admin.user.username),
      params,
      body: policyBody(["PUSH_ARTIFACT", "webhook.target_paused"]),
    });
    expectHarborError(refused, 400, "BAD_REQUEST", OPERATIONAL_MESSAGE);

    const created = await call(projectPolicies.POST, path, {
      auth: basic(admin.user.username),
      params,
      body: policyBody(["PUSH_ARTIFACT"]),
    });
    expect(created.status, created.text).toBe(201);
    const id = created.headers.get("location")!.split("/").pop()!;
    const updated = await call(projectPolicy.PUT, `${path}/${id}`, {
      auth: basic(admin.user.username),
      params: { ...params, webhook_policy_id: id },
      method: "PUT",
      body: policyBody(["webhook.target_paused"]),
    });
    expectHarborError(updated, 400, "BAD_REQUEST", OPERATIONAL_MESSAGE);

    const { key } = await makeApiKey(project.id, "test");
    const dest = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: "http://127.0.0.1:9/hook", event_types: ["webhook.delivery_exhausted"] },
    });
    expectV1Error(dest, 400, "operational_event_type", "event_types");
    const own = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: "http://127.0.0.1:9/hook" },
    });
    expect(own.status).toBe(201);
    const destId = (own.json as { id: string; event_types: string[] }).id;
    // A destination's default is every event type of a project, none operational.
    expect((own.json as { event_types: string[] }).event_types).toEqual([...EVENT_TYPES]);
    const patched = await call(destination.PATCH, {
      path: `/v1/destinations/${destId}`,
      key,
      params: { id: destId },
      method: "PATCH",
      body: { event_types: ["webhook.target_resumed"] },
    });
    expectV1Error(patched, 400, "operational_event_type", "event_types");

    const instance = await call(systemPolicies.POST, "/api/v2.0/system/webhook/policies", {
      auth: basic(sys.user.username),
      body: policyBody([...OPERATIONAL_EVENT_TYPES], { project_pattern: `${project.name}*` }),
    });
    expect(instance.status, instance.text).toBe(201);

    // What each scope may choose, as Harbor's events endpoint says.
    const projectTypes = await call(projectEvents.GET, `/api/v2.0/projects/${project.name}/webhook/events`, {
      auth: basic(admin.user.username),
      params,
    });
    expect((projectTypes.json as { event_type: string[] }).event_type).toEqual([...EVENT_TYPES]);
    const systemTypes = await call(systemEvents.GET, "/api/v2.0/system/webhook/events", {
      auth: basic(sys.user.username),
    });
    expect((systemTypes.json as { event_type: string[] }).event_type).toEqual([
      ...EVENT_TYPES,
      ...OPERATIONAL_EVENT_TYPES,
    ]);
  });

  it("clients cannot post an operational event", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id, "test");
    const catalog = eventTypeCatalog();
    const sample = catalog.find((e) => e.type === "webhook.target_paused")!.sample;
    const r = await call(events.POST, { path: "/v1/events", key, body: sample });
    expect(r.status).toBe(400);
    expect((r.json as { error: { field: string } }).error.field).toBe("type");
  });

  it("the catalog documents them, after a project's types, with schemas their samples pass", () => {
    const catalog = eventTypeCatalog();
    expect(catalog.map((e) => e.type)).toEqual([...EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES]);
    for (const e of catalog) expect(e.instance_wide_only).toBe(e.type.startsWith("webhook."));
    for (const type of OPERATIONAL_EVENT_TYPES) {
      const entry = catalog.find((e) => e.type === type)!;
      expect(entry.cloudevents_type).toMatch(/^harbor\.webhook\./);
      expect(EVENT_DATA_SCHEMAS[type].safeParse(entry.sample.event_data).success).toBe(true);
    }
  });
});

/** An alert row as the sender reads it, for the message functions. */
function facts(over: Partial<AlertFacts> = {}): AlertFacts {
  return {
    id: 1,
    kind: "delivery_exhausted",
    policyId: 7,
    targetId: 9,
    targetType: "http",
    address: "https://user:pw@ci.example.com/hooks/harbor?token=abc#frag",
    cause: "",
    reason: "timeout: timed out (gave up after 3 attempts)",
    operator: "",
    createdAt: new Date("2026-12-02T10:00:00Z"),
    deliveries: 4,
    firstFailedAt: new Date("2026-12-02T10:00:00Z"),
    lastFailedAt: new Date("2026-12-02T10:14:00Z"),
    sampleEventIds: "[11,12,15]",
    policy: { name: "ci-deploy", projectId: 2 },
    project: { id: 2, name: "harbor" },
    targetStatus: "active",
    ...over,
  };
}

describe("what an alert says", () => {
  it("the target's address without credentials, query or secret path", () => {
    expect(alertAddress("https://user:pw@ci.example.com/hooks/harbor?token=abc#x")).toBe(
      "https://ci.example.com/hooks/harbor",
    );
    expect(alertAddress("https://hooks.slack.com/services/T0/B0/secret")).toBe(
      "https://hooks.slack.com/services/T0/B0/••••••••",
    );
    expect(alertAddress("mailto:ops@example.com")).toBe("mailto:ops@example.com");
  });

  it("a digest's event passes the catalog schema; its email has its own subject and the same facts", () => {
    const a = facts();
    const event = operationalEvent(a);
    expect(event).toEqual({
      type: "webhook.delivery_exhausted",
      occur_at: Math.floor(a.lastFailedAt!.getTime() / 1000),
      operator: "",
      event_data: {
        project: { project_id: 2, name: "harbor" },
        webhook: { id: 7, name: "ci-deploy", instance_wide: false },
        target: { id: 9, type: "http", address: "https://ci.example.com/hooks/harbor" },
        state: "active",
        reason: a.reason,
        deliveries: {
          count: 4,
          first_failed_at: "2026-12-02T10:00:00Z",
          last_failed_at: "2026-12-02T10:14:00Z",
          sample_event_ids: [11, 12, 15],
        },
      },
    });
    expect(EVENT_DATA_SCHEMAS["webhook.delivery_exhausted"].safeParse(event.event_data).success).toBe(true);
    const mail = alertEmail(a, event, "https://notifier.example.com");
    expect(mail.subject).toBe(
      "[Harbor Notifier] 4 deliveries failed after all retries: https://ci.example.com/hooks/harbor (harbor/ci-deploy)",
    );
    expect(mail.text).toMatch(/^Failed deliveries: +4$/m);
    expect(mail.text).toMatch(/^Sample events: +11, 12, 15$/m);
    expect(mail.text).toContain("https://notifier.example.com/projects/2/webhooks/7");
    for (const secret of ["user:pw", "token=abc", "frag"]) expect(JSON.stringify(mail)).not.toContain(secret);
  });

  it("a pause of an instance-wide webhook's target names no project", () => {
    const a = facts({
      kind: "target_paused",
      cause: "gone",
      reason: "the endpoint answered 410 Gone",
      deliveries: 0,
      firstFailedAt: null,
      lastFailedAt: null,
      policy: { name: "audit", projectId: null },
      project: null,
    });
    const event = operationalEvent(a);
    expect(event.event_data).not.toHaveProperty("project");
    expect(event.event_data).toMatchObject({ webhook: { instance_wide: true }, state: "paused", cause: "gone" });
    expect(EVENT_DATA_SCHEMAS["webhook.target_paused"].safeParse(event.event_data).success).toBe(true);
    expect(alertEmail(a, event).subject).toBe(
      "[Harbor Notifier] Webhook target paused: https://ci.example.com/hooks/harbor (instance-wide/audit)",
    );
  });
});

describe("the alert sender", () => {
  it("an alert written with a resume waits until a sender takes it; two senders at once send it once", async () => {
    const admin = await makeUser();
    const project = await makeProject({ [admin.user.id]: "projectAdmin" });
    const manage = await requireProject(admin.actor, project.id, "webhook.manage");
    const input = policyInputSchema.parse(policyBody(["PUSH_ARTIFACT"]));
    const { policy } = await createPolicy(manage, input);
    const db = await getDb();
    const target = await db.webhookTarget.findFirstOrThrow({ where: { policyId: policy.id } });
    await db.webhookTarget.update({ where: { id: target.id }, data: { status: "paused", pausedReason: "by hand" } });
    await resumeTarget(manage, policy.id, target.id);
    const [pending] = await db.operatorAlert.findMany({ where: { policyId: policy.id } });
    expect(pending).toMatchObject({ kind: "target_resumed", cause: "person", sentAt: null, emailStatus: "pending" });

    session.actor = admin.actor;
    const before = await loadPolicyDetail(project.name, String(policy.id), {});
    expect(before.alerts).toMatchObject({ emailable: false, rows: [{ id: pending.id, sentAt: null }] });

    const sent = await Promise.all([sendDueAlerts("sender-a"), sendDueAlerts("sender-b")]);
    expect(sent.reduce((n, s) => n + s, 0)).toBe(1);
    const done = await db.operatorAlert.findUniqueOrThrow({ where: { id: pending.id } });
    expect(done).toMatchObject({ emailStatus: "not_emailed", emailDetail: NO_SMTP_DETAIL, leaseOwner: null });
    expect(done.sentAt).not.toBeNull();
    expect(await db.event.count({ where: { idempotencyKey: `alert:${pending.id}` } })).toBe(1);
    expect(await sendDueAlerts("sender-a")).toBe(0);

    const after = await loadPolicyDetail(project.name, String(policy.id), {});
    expect(after.alerts.rows[0]).toMatchObject({
      kind: "target_resumed",
      address: "http://127.0.0.1:9/hook",
      operator: admin.user.username,
      emailStatus: "not_emailed",
      emailDetail: NO_SMTP_DETAIL,
      emailedTo: "",
      eventId: done.eventId,
      eventDetail: "raised: no instance-wide webhook selects it",
    });
  });
});
