// Event search: the repository, tag and digest extracted at ingest, the executions filters that
// use them (and the event id, operator, webhook-id and time range), the project's event list, and
// the event page's loader with its access rules. Runs on SQLite and on PostgreSQL.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { eventSearchFields, SEARCH_FIELD_MAX } from "@/lib/events/search-fields";
import { listEvents } from "@/lib/history/events";
import { listExecutions, type ExecutionFilter } from "@/lib/history/queries";
import { createPolicy } from "@/lib/policies/service";
import { EVENT_TYPES, type HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { eventSearchParams, executionFilterParams, executionFilterQuery } from "@/lib/shared/search-params";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";

const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/lib/auth/session", () => ({
  requireUserPage: async () => {
    if (!session.actor) throw new Error("no session in this test");
    return session.actor;
  },
}));
const { loadEventPage, loadEventsPage, loadPolicyDetail } = await import("@/lib/webhooks-ui/loaders");

const NOT_FOUND = { digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) };
const FORBIDDEN = { digest: expect.stringMatching(/^NEXT_REDIRECT;.*\/forbidden/) };

const SAMPLE_DIGEST = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4";

describe("eventSearchFields: what each sample event is about", () => {
  const expected: Record<string, { repository: string | null; tag: string | null; digest: string | null }> = {
    PUSH_ARTIFACT: { repository: "harbor/alpine", tag: SAMPLE_DIGEST, digest: SAMPLE_DIGEST },
    PULL_ARTIFACT: { repository: "harbor/alpine", tag: SAMPLE_DIGEST, digest: SAMPLE_DIGEST },
    DELETE_ARTIFACT: {
      repository: "harbor/alpine",
      tag: "3.8",
      digest: "sha256:2bb501e6173d9d006e56de5bce2720eb06396803300fe1687b58a7ff32bf4c14",
    },
    QUOTA_EXCEED: {
      repository: "harbor/alpine",
      tag: null,
      digest: "sha256:402d21757a03a114d273bbe372fa4b9eca567e8b6c332fa7ebf982b902207242",
    },
    QUOTA_WARNING: {
      repository: "harbor/alpine",
      tag: null,
      digest: "sha256:514ec80ffbe1a2ab1d9a3d5e6082296296a1d8b6870246edf897228e5df2367d",
    },
    SCANNING_FAILED: {
      repository: "harbor/alpine",
      tag: null,
      digest: "sha256:dabea2944dcc2b86482b4f0b0fb62da80e0673e900c46c0e03b45919881a5d84",
    },
    SCANNING_STOPPED: {
      repository: "harbor/alpine",
      tag: null,
      digest: "sha256:e802987f152d7826cf929ad4999fb3bb956ce7a30966aeb46c749f9120eaf22c",
    },
    SCANNING_COMPLETED: { repository: "harbor/alpine", tag: null, digest: SAMPLE_DIGEST },
    REPLICATION: { repository: null, tag: null, digest: null },
    TAG_RETENTION: { repository: null, tag: null, digest: null },
    TAG_CREATED: { repository: "harbor/alpine", tag: "stable", digest: SAMPLE_DIGEST },
    TAG_DELETED: { repository: "harbor/alpine", tag: "stable", digest: SAMPLE_DIGEST },
    PROJECT_CREATED: { repository: null, tag: null, digest: null },
    PROJECT_DELETED: { repository: null, tag: null, digest: null },
  };

  it.each(EVENT_TYPES)("%s", (type) => {
    expect(eventSearchFields(sampleEvent(type))).toEqual(expected[type]);
  });

  it("ignores values of the wrong type, empty strings, and cuts long ones", () => {
    expect(eventSearchFields({ event_data: { repository: { repo_full_name: 5 }, resources: [{ tag: "" }] } })).toEqual({
      repository: null,
      tag: null,
      digest: null,
    });
    expect(eventSearchFields({ event_data: { resources: "nope" } })).toEqual({
      repository: null,
      tag: null,
      digest: null,
    });
    const long = "a".repeat(SEARCH_FIELD_MAX + 10);
    expect(eventSearchFields({ event_data: { repository: { repo_full_name: long } } }).repository).toHaveLength(
      SEARCH_FIELD_MAX,
    );
  });
});

function push(repository: string, tag: string, digest: string, operator = "alice"): HarborEvent {
  const event = sampleEvent("PUSH_ARTIFACT");
  const data = event.event_data as {
    repository: { repo_full_name: string };
    resources: { tag: string; digest: string }[];
  };
  data.repository.repo_full_name = repository;
  data.resources[0].tag = tag;
  data.resources[0].digest = digest;
  return { ...event, operator };
}

async function setup() {
  const admin = await makeUser();
  const project = await makeProject({ [admin.user.id]: "projectAdmin" });
  const access = await requireProject(admin.actor, project.id, "webhook.manage");
  const make = async (name: string) =>
    (
      await createPolicy(
        access,
        policyInputSchema.parse({
          name,
          event_types: ["PUSH_ARTIFACT", "REPLICATION"],
          targets: [{ type: "http", address: DEAD_URL }],
        }),
      )
    ).policy.id;
  const policyA = await make("a");
  const policyB = await make("b");
  const ingest = async (event: HarborEvent) => {
    const r = await ingestEvent({ projectId: project.id, event, source: "api" });
    if (r.status !== "accepted") throw new Error("not accepted");
    return r.eventId;
  };
  const e1 = await ingest(push("team-a/alpine", "1", "sha256:aaa", "alice"));
  const e2 = await ingest(push("team-a/alpine", "2", "sha256:bbb", "bob"));
  const e3 = await ingest(push("team-a/alpine-extra", "1", "sha256:ccc", "alice"));
  const e4 = await ingest(sampleEvent("REPLICATION"));
  return { admin, project, policyA, policyB, events: { e1, e2, e3, e4 } };
}

beforeEach(() => {
  session.actor = null;
});

describe("ingest stores the search columns", () => {
  it("repository, tag and digest of an artifact event; null for a replication event", async () => {
    const { events } = await setup();
    const db = await getDb();
    const rows = await db.event.findMany({
      where: { id: { in: [events.e1, events.e4] } },
      orderBy: { id: "asc" },
      select: { repository: true, tag: true, digest: true, operator: true },
    });
    expect(rows).toEqual([
      { repository: "team-a/alpine", tag: "1", digest: "sha256:aaa", operator: "alice" },
      { repository: null, tag: null, digest: null, operator: "MANUAL" },
    ]);
  });
});

describe("executions filters of one policy", () => {
  async function eventIdsOf(policyId: number, filter: ExecutionFilter) {
    const { items, total } = await listExecutions(policyId, { page: 1, pageSize: 20, ...filter });
    expect(total).toBe(items.length);
    return items.map((x) => x.eventId);
  }

  it("by repository (exact), tag, digest, operator and event id", async () => {
    const { policyA, events } = await setup();
    expect(await eventIdsOf(policyA, { repository: "team-a/alpine" })).toEqual([events.e2, events.e1]);
    expect(await eventIdsOf(policyA, { repository: "team-a" })).toEqual([]);
    expect(await eventIdsOf(policyA, { tag: "1" })).toEqual([events.e3, events.e1]);
    expect(await eventIdsOf(policyA, { repository: "team-a/alpine", tag: "1" })).toEqual([events.e1]);
    expect(await eventIdsOf(policyA, { digest: "sha256:bbb" })).toEqual([events.e2]);
    expect(await eventIdsOf(policyA, { operator: "alice" })).toEqual([events.e3, events.e1]);
    expect(await eventIdsOf(policyA, { operator: "MANUAL" })).toEqual([events.e4]);
    expect(await eventIdsOf(policyA, { eventId: events.e2 })).toEqual([events.e2]);
    expect(await eventIdsOf(policyA, { eventId: 2_147_483_647 })).toEqual([]);
  });

  it("by webhook-id: the execution of that task, in its own policy only", async () => {
    const { policyA, policyB, events } = await setup();
    const db = await getDb();
    const task = await db.task.findFirstOrThrow({ where: { policyId: policyB, execution: { eventId: events.e2 } } });
    expect(await eventIdsOf(policyB, { webhookId: task.webhookId })).toEqual([events.e2]);
    expect(await eventIdsOf(policyA, { webhookId: task.webhookId })).toEqual([]);
    expect(await eventIdsOf(policyB, { webhookId: "msg_unknown" })).toEqual([]);
  });

  it("by start time range (inclusive, UTC)", async () => {
    const { policyA, events } = await setup();
    const db = await getDb();
    const at = (eventId: number, iso: string) =>
      db.execution.updateMany({ where: { policyId: policyA, eventId }, data: { startTime: new Date(iso) } });
    await at(events.e1, "2026-01-01T10:00:00Z");
    await at(events.e2, "2026-01-02T10:00:00Z");
    await at(events.e3, "2026-01-03T10:00:00Z");
    await at(events.e4, "2026-01-04T10:00:00Z");
    const from = new Date("2026-01-02T10:00:00Z");
    const to = new Date("2026-01-03T10:00:00Z");
    expect(await eventIdsOf(policyA, { from, to })).toEqual([events.e3, events.e2]);
    expect(await eventIdsOf(policyA, { from })).toEqual([events.e4, events.e3, events.e2]);
    expect(await eventIdsOf(policyA, { to, repository: "team-a/alpine" })).toEqual([events.e2, events.e1]);
  });

  it("another project's events with the same repository never show", async () => {
    const { policyA, events } = await setup();
    const other = await setup();
    expect(await eventIdsOf(policyA, { repository: "team-a/alpine" })).toEqual([events.e2, events.e1]);
    expect(await eventIdsOf(other.policyA, { repository: "team-a/alpine" })).toEqual([
      other.events.e2,
      other.events.e1,
    ]);
  });

  it("the policy page reads the filters from the URL and shows each execution's event", async () => {
    const { admin, project, policyA, events } = await setup();
    session.actor = admin.actor;
    const page = await loadPolicyDetail(project.name, String(policyA), { repository: "team-a/alpine", tag: "2" });
    expect(page.executions.map((x) => x.event)).toEqual([
      { id: events.e2, projectName: project.name, repository: "team-a/alpine", tag: "2", digest: "sha256:bbb" },
    ]);
    expect(page.total).toBe(1);
  });
});

describe("the project's events", () => {
  it("filters by repository, tag, digest, operator and type, newest first, with delivery summaries", async () => {
    const { project, events, policyA } = await setup();
    const db = await getDb();
    await db.execution.updateMany({ where: { eventId: events.e1, policyId: policyA }, data: { status: "Success" } });
    const ids = async (search: Parameters<typeof listEvents>[1]) =>
      (await listEvents(project.id, search, { page: 1, pageSize: 10 })).items.map((e) => e.id);
    expect(await ids({})).toEqual([events.e4, events.e3, events.e2, events.e1]);
    expect(await ids({ repository: "team-a/alpine" })).toEqual([events.e2, events.e1]);
    expect(await ids({ tag: "1" })).toEqual([events.e3, events.e1]);
    expect(await ids({ digest: "sha256:ccc" })).toEqual([events.e3]);
    expect(await ids({ operator: "bob" })).toEqual([events.e2]);
    expect(await ids({ type: "REPLICATION" })).toEqual([events.e4]);
    expect(await ids({ repository: "nobody/none" })).toEqual([]);
    const page = await listEvents(project.id, { repository: "team-a/alpine" }, { page: 1, pageSize: 1 });
    expect(page.total).toBe(2);
    expect(page.items).toHaveLength(1);
    const [first] = (await listEvents(project.id, { digest: "sha256:aaa" }, { page: 1, pageSize: 10 })).items;
    expect(first.deliveries).toEqual({ total: 2, success: 1, error: 0, open: 1, stopped: 0 });
  });

  it("the events page loader reads its search from the URL", async () => {
    const { admin, project, events } = await setup();
    session.actor = admin.actor;
    const data = await loadEventsPage(project.name, { repository: "team-a/alpine", type: "PUSH_ARTIFACT" });
    expect(data.events.map((e) => e.id)).toEqual([events.e2, events.e1]);
    expect(data.events[0]).toMatchObject({
      repository: "team-a/alpine",
      tag: "2",
      digest: "sha256:bbb",
      operator: "bob",
    });
  });
});

describe("the event page", () => {
  it("shows the event and its executions across every policy of the project", async () => {
    const { admin, project, policyA, policyB, events } = await setup();
    session.actor = admin.actor;
    const data = await loadEventPage(project.name, String(events.e1));
    expect(data.event).toMatchObject({
      id: events.e1,
      type: "PUSH_ARTIFACT",
      operator: "alice",
      repository: "team-a/alpine",
      tag: "1",
      digest: "sha256:aaa",
    });
    expect(JSON.parse(data.event.payload)).toMatchObject({ type: "PUSH_ARTIFACT", operator: "alice" });
    expect(data.executions.map((x) => x.policy.id).sort()).toEqual([policyA, policyB].sort());
    expect(data.executions[0].tasks).toHaveLength(1);
    expect(data.executions[0].tasks[0]).toMatchObject({ status: "Pending", runCount: 0, lastResponse: null });
    expect(data.deliveries).toEqual({ total: 2, success: 0, error: 0, open: 2, stopped: 0 });
  });

  it("pages the deliveries, with the summary over all of them", async () => {
    const { admin, project } = await setup();
    session.actor = admin.actor;
    const access = await requireProject(admin.actor, project.id, "webhook.manage");
    // 30 policies besides a and b: 32 executions, one page of 25 and one of 7.
    for (let i = 0; i < 30; i++)
      await createPolicy(
        access,
        policyInputSchema.parse({
          name: `many-${i}`,
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: DEAD_URL }],
        }),
      );
    const r = await ingestEvent({
      projectId: project.id,
      event: push("team-a/alpine", "9", "sha256:999", "alice"),
      source: "api",
    });
    if (r.status !== "accepted") throw new Error("not accepted");
    const db = await getDb();
    await db.execution.updateMany({
      where: { eventId: r.eventId, policy: { name: "many-29" } },
      data: { status: "Error" },
    });
    const first = await loadEventPage(project.name, String(r.eventId));
    const second = await loadEventPage(project.name, String(r.eventId), { page: "2" });
    expect([first.executions.length, second.executions.length]).toEqual([first.pageSize, 32 - first.pageSize]);
    const ids = [...first.executions, ...second.executions].map((x) => x.id);
    expect(new Set(ids).size).toBe(32);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const data of [first, second])
      expect(data.deliveries).toEqual({ total: 32, success: 0, error: 1, open: 31, stopped: 0 });
  });

  it("the last response of a delivered task", async () => {
    const { admin, project, events } = await setup();
    session.actor = admin.actor;
    const db = await getDb();
    const task = await db.task.findFirstOrThrow({
      where: { execution: { eventId: events.e2 } },
      orderBy: { id: "asc" },
    });
    for (const [number, status] of [
      [1, 500],
      [2, 200],
    ])
      await db.attempt.create({
        data: {
          taskId: task.id,
          number,
          startedAt: new Date(),
          durationMs: 5,
          responseStatus: status,
          responseExcerpt: `r${number}`,
        },
      });
    const data = await loadEventPage(project.name, String(events.e2));
    const shown = data.executions.flatMap((x) => x.tasks).find((t) => t.id === task.id);
    expect(shown?.lastResponse).toMatchObject({ status: 200, excerpt: "r2" });
  });

  it("members with webhook.read (a maintainer) may open it; a developer may not", async () => {
    const { project, events } = await setup();
    const db = await getDb();
    const maintainer = await makeUser();
    const developer = await makeUser();
    await db.projectMember.create({ data: { projectId: project.id, userId: maintainer.user.id, role: "maintainer" } });
    await db.projectMember.create({ data: { projectId: project.id, userId: developer.user.id, role: "developer" } });
    session.actor = maintainer.actor;
    expect((await loadEventPage(project.name, String(events.e1))).event.id).toBe(events.e1);
    session.actor = developer.actor;
    await expect(loadEventPage(project.name, String(events.e1))).rejects.toMatchObject(FORBIDDEN);
    await expect(loadEventsPage(project.name, {})).rejects.toMatchObject(FORBIDDEN);
  });

  it("another project's event id, or an id no row can have, is the 404 page", async () => {
    const mine = await setup();
    const theirs = await setup();
    session.actor = mine.admin.actor;
    await expect(loadEventPage(mine.project.name, String(theirs.events.e1))).rejects.toMatchObject(NOT_FOUND);
    for (const bad of ["0", "abc", "2147483648", "1e3"])
      await expect(loadEventPage(mine.project.name, bad), bad).rejects.toMatchObject(NOT_FOUND);
    const outsider = await makeUser();
    session.actor = outsider.actor;
    await expect(loadEventPage(mine.project.name, String(mine.events.e1))).rejects.toMatchObject(NOT_FOUND);
  });
});

describe("filter parameters from the URL", () => {
  it("reads valid values and drops bad ones", () => {
    expect(
      executionFilterParams({
        repository: " team-a/alpine ",
        tag: "1",
        digest: "",
        operator: ["alice", "bob"],
        event_id: "42",
        webhook_id: "msg_x",
        from: "2026-01-02T03:04:00.000Z",
        to: "2026-01-02T05:00+02:00",
        status: "Nope",
      }),
    ).toEqual({
      status: undefined,
      eventType: undefined,
      repository: "team-a/alpine",
      tag: "1",
      digest: undefined,
      operator: "alice",
      eventId: 42,
      webhookId: "msg_x",
      from: new Date("2026-01-02T03:04:00.000Z"),
      to: new Date("2026-01-02T03:00:00.000Z"),
    });
    const bad = executionFilterParams({ event_id: "2147483648", from: "yesterday", to: "2026-13-45T99:99Z" });
    expect([bad.eventId, bad.from, bad.to]).toEqual([undefined, undefined, undefined]);
    expect(executionFilterParams({ event_id: "0" }).eventId).toBeUndefined();
    expect(executionFilterParams({ repository: "x".repeat(2000) }).repository).toHaveLength(512);
    expect(eventSearchParams({ type: "PUSH_ARTIFACT", operator: "alice" })).toMatchObject({
      type: "PUSH_ARTIFACT",
      operator: "alice",
    });
    expect(eventSearchParams({ type: "NOPE" }).type).toBeUndefined();
  });

  it("the query of the filters reads back the same filters (pagination keeps them)", () => {
    const f = executionFilterParams({ repository: "r", event_id: "7", from: "2026-01-02T03:04:00.000Z" });
    const q = Object.fromEntries(Object.entries(executionFilterQuery(f)).filter(([, v]) => v !== undefined));
    expect(q).toEqual({ repository: "r", event_id: "7", from: "2026-01-02T03:04:00.000Z" });
    expect(executionFilterParams(q)).toEqual(f);
  });
});
