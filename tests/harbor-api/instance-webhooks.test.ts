// Instance-wide webhooks: policies a system admin defines once for every project, present and
// future, optionally narrowed by a project-name pattern. Real deliveries to local receivers
// through the worker; the Harbor-shaped API under /api/v2.0/system/webhook with its
// sub-resources; who may call it; the read-only coverage a project admin sees; project deletion.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/system/webhook/policies/route";
import * as policy from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/route";
import * as executions from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/executions/route";
import * as execution from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/executions/[execution_id]/route";
import * as tasks from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/route";
import * as taskLog from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/[task_id]/log/route";
import * as taskRedeliver from "@/app/api/v2.0/system/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/[task_id]/redeliver/route";
import * as lastTrigger from "@/app/api/v2.0/system/webhook/lasttrigger/route";
import * as systemEvents from "@/app/api/v2.0/system/webhook/events/route";
import * as projectPolicy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as projectPolicies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as coverage from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/instance-policies/route";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { harborExecutionSchema, harborInstanceCoverageSchema, harborPolicySchema } from "@/lib/harbor-api/schemas";
import { deleteProject } from "@/lib/projects/service";
import { listExecutions } from "@/lib/history/queries";
import * as projectsApi from "@/app/api/v2.0/projects/route";
import * as projectApi from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import { projectEvent } from "@/lib/events/project-events";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { everyFormatPolicy, expectInEveryFormat, useLocalSmtp } from "../helpers/every-format";
import { startSmtp } from "../helpers/smtp-receiver";
import { makeProject, makeUser, uid } from "../helpers/fixtures";
import { call, expectHarborError } from "../helpers/http";
import { until } from "../helpers/until";
import { makePolicy, uniquePolicyName } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const delivery = useDeliveryWorker("instance-webhooks");
const PASSWORD = "password-123";
const basic = (username: string) => `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString("base64")}`;

let sys: Awaited<ReturnType<typeof makeUser>>;
let admin: Awaited<ReturnType<typeof makeUser>>;
let maintainer: Awaited<ReturnType<typeof makeUser>>;
let project: Awaited<ReturnType<typeof makeProject>>;
beforeAll(async () => {
  sys = await makeUser({ sysadmin: true, password: PASSWORD });
  admin = await makeUser({ password: PASSWORD });
  maintainer = await makeUser({ password: PASSWORD });
  project = await makeProject({ [admin.user.id]: "projectAdmin", [maintainer.user.id]: "maintainer" });
});

const BASE = "/api/v2.0/system/webhook";
const idParams = (id: number) => ({ webhook_policy_id: String(id) });
const receiver = () => delivery.receiver((_q, res) => res.end("ok"));

/** Creates an instance-wide policy through the API, as a system admin. */
async function createInstancePolicy(body: Record<string, unknown>): Promise<number> {
  const r = await call(policies.POST, `${BASE}/policies`, {
    auth: basic(sys.user.username),
    body: { name: uniquePolicyName("instance"), event_types: ["PUSH_ARTIFACT"], ...body },
  });
  expect(r.status, r.text).toBe(201);
  return (r.json as { id: number }).id;
}

/** A project with this name (patterns need names the test controls). */
async function projectNamed(name: string) {
  const db = await getDb();
  return db.project.create({ data: { name } });
}

const push = (projectId: number) => ingestEvent({ projectId, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });

describe("fan-out to instance-wide policies", () => {
  it("delivers the events of a project created after the policy, with the event's project in the payload and the history", async () => {
    const rx = await receiver();
    const id = await createInstancePolicy({
      targets: [{ type: "http", address: `${rx.url}/all`, payload_format: "CloudEvents" }],
    });
    const later = await makeProject();
    await push(later.id);
    await until(() => rx.requests.length === 1 || undefined);
    const body = JSON.parse(rx.requests[0].body) as { source: string; type: string };
    expect(body.type).toBe("harbor.artifact.pushed");
    expect(body.source).toBe(`/projects/${later.id}/webhook/policies/${id}`);
    expect(rx.requests[0].headers["webhook-signature"]).toMatch(/^v1,/);

    // The history, through the system API: the execution names the project its event came from.
    const auth = basic(sys.user.username);
    const list = await until(async () => {
      const r = await call(executions.GET, `${BASE}/policies/${id}/executions`, { auth, params: idParams(id) });
      const items = r.json as { id: number; status: string }[];
      return items.length === 1 && items[0].status === "Success" ? r : undefined;
    });
    expect(list.headers.get("x-total-count")).toBe("1");
    const [exec] = list.json as { id: number; extra_attrs: { project_id: number } }[];
    harborExecutionSchema.parse(exec);
    expect(exec.extra_attrs.project_id).toBe(later.id);
    const execParams = { ...idParams(id), execution_id: String(exec.id) };
    const one = await call(execution.GET, `${BASE}/policies/${id}/executions/${exec.id}`, { auth, params: execParams });
    expect(one.json).toEqual(exec);
    const t = await call(tasks.GET, `${BASE}/policies/${id}/executions/${exec.id}/tasks`, { auth, params: execParams });
    const [task] = t.json as { id: number; status: string }[];
    expect(task.status).toBe("Success");
    const logParams = { ...execParams, task_id: String(task.id) };
    const log = await call(taskLog.GET, `${BASE}/policies/${id}/executions/${exec.id}/tasks/${task.id}/log`, {
      auth,
      params: logParams,
    });
    expect(log.status).toBe(200);
    expect(log.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(log.text).toContain("success to run webhook job");

    // Redelivery: the same webhook-id again.
    const again = await call(
      taskRedeliver.POST,
      `${BASE}/policies/${id}/executions/${exec.id}/tasks/${task.id}/redeliver`,
      { method: "POST", auth, params: logParams },
    );
    expect(again.status).toBe(202);
    await until(() => rx.requests.length === 2 || undefined);
    expect(rx.requests[1].headers["webhook-id"]).toBe(rx.requests[0].headers["webhook-id"]);

    // The history's event filters look at each execution's own event (of any project).
    const db = await getDb();
    const stored = await db.event.findFirstOrThrow({ where: { projectId: later.id } });
    expect(stored.repository).toBeTruthy();
    const byRepo = await listExecutions(id, { page: 1, pageSize: 10, repository: stored.repository! });
    expect(byRepo.items.map((e) => e.id)).toEqual([exec.id]);
    expect((await listExecutions(id, { page: 1, pageSize: 10, repository: "no/such-repo" })).total).toBe(0);

    // lasttrigger lists the instance policies, not a project's.
    const lt = await call(lastTrigger.GET, `${BASE}/lasttrigger`, { auth });
    const entries = lt.json as { policy_name: string; event_type: string; last_trigger_time: string }[];
    const mine = entries.find(
      (e) => e.event_type === "PUSH_ARTIFACT" && e.last_trigger_time !== "0001-01-01T00:00:00.000Z",
    );
    expect(mine).toBeDefined();
    await call(policy.DELETE, `${BASE}/policies/${id}`, { method: "DELETE", auth, params: idParams(id) });
  });

  it("a project pattern takes in the projects it matches and leaves out the others, also after a rename or an edit", async () => {
    const rx = await receiver();
    const tag = uid();
    const id = await createInstancePolicy({
      project_pattern: `team-${tag}-*`,
      targets: [{ type: "http", address: `${rx.url}/team` }],
    });
    const inside = await projectNamed(`team-${tag}-a`);
    const outside = await projectNamed(`other-${tag}`);
    const outsideResult = await push(outside.id);
    const insideResult = await push(inside.id);
    expect(outsideResult).toMatchObject({ status: "accepted", deliveries: 0 });
    expect(insideResult).toMatchObject({ status: "accepted", deliveries: 1 });
    await until(() => rx.requests.length === 1 || undefined);

    // Renaming a project into the pattern takes effect at the next event (the configuration version moved).
    const db = await getDb();
    await db.project.update({ where: { id: outside.id }, data: { name: `team-${tag}-renamed` } });
    expect(await push(outside.id)).toMatchObject({ deliveries: 1 });

    // Narrowing the pattern through PUT leaves the first project out from the next event on.
    const auth = basic(sys.user.username);
    const before = (await call(policy.GET, `${BASE}/policies/${id}`, { auth, params: idParams(id) })).json as Record<
      string,
      unknown
    >;
    expect(before.project_pattern).toBe(`team-${tag}-*`);
    expect(before.project_id).toBe(0);
    const put = await call(policy.PUT, `${BASE}/policies/${id}`, {
      method: "PUT",
      auth,
      params: idParams(id),
      body: { ...before, project_pattern: `team-${tag}-renamed` },
    });
    expect(put.status, put.text).toBe(200);
    expect(await push(inside.id)).toMatchObject({ deliveries: 0 });
    expect(await push(outside.id)).toMatchObject({ deliveries: 1 });
    await until(() => rx.requests.length === 3 || undefined);
    await call(policy.DELETE, `${BASE}/policies/${id}`, { method: "DELETE", auth, params: idParams(id) });
  });

  it("a project's own policy and an instance policy both get the event; a disabled instance policy gets nothing", async () => {
    const rx = await receiver();
    const tag = uid();
    const p = await projectNamed(`both-${tag}`);
    const own = await makePolicy(sys.actor, p, {
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: `${rx.url}/own` }],
    });
    const on = await createInstancePolicy({
      project_pattern: `both-${tag}`,
      targets: [{ type: "http", address: `${rx.url}/instance` }],
    });
    await createInstancePolicy({
      project_pattern: `both-${tag}`,
      enabled: false,
      targets: [{ type: "http", address: `${rx.url}/disabled` }],
    });
    expect(await push(p.id)).toMatchObject({ deliveries: 2 });
    await until(() => rx.requests.length === 2 || undefined);
    expect(rx.requests.map((r) => r.url.split("/").at(-1)).sort()).toEqual(["instance", "own"]);
    const db = await getDb();
    expect(await db.execution.count({ where: { policyId: own.id } })).toBe(1);
    expect(await db.execution.count({ where: { policyId: on } })).toBe(1);
  });
});

describe("the system webhook API", () => {
  it("has Harbor's shapes: list with X-Total-Count, 409 on a duplicate name, 400 naming a bad pattern", async () => {
    const auth = basic(sys.user.username);
    const name = uniquePolicyName("shape");
    const id = await createInstancePolicy({
      name,
      project_pattern: "library",
      targets: [{ type: "http", address: "https://hooks.example.com/x", auth_header: "Bearer instance-secret" }],
    });
    const list = await call(policies.GET, `${BASE}/policies?q=name%3D${name}`, { auth });
    expect(list.status).toBe(200);
    expect(list.headers.get("x-total-count")).toBe("1");
    const [item] = list.json as Record<string, unknown>[];
    harborPolicySchema.parse(item);
    expect(item).toMatchObject({ id, name, project_id: 0, project_pattern: "library", creator: sys.user.username });
    expect(JSON.stringify(item)).not.toContain("instance-secret");
    expect((item.targets as { auth_header: string }[])[0].auth_header).toBe("••••••••");

    const dup = await call(policies.POST, `${BASE}/policies`, {
      auth,
      body: { name, event_types: ["PUSH_ARTIFACT"], targets: [{ type: "http", address: "https://a.example.com" }] },
    });
    expect(dup.status).toBe(409);
    expectHarborError(
      dup,
      409,
      "CONFLICT",
      `A webhook named "${name}" already exists among the instance-wide webhooks. Choose another name.`,
    );

    const bad = await call(policies.POST, `${BASE}/policies`, {
      auth,
      body: {
        name: uniquePolicyName(),
        project_pattern: "team-[",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: "https://a.example.com" }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("project_pattern");

    const ev = await call(systemEvents.GET, `${BASE}/events`, { auth });
    expect(ev.status).toBe(200);
  });

  it("keeps the scopes apart: a project's policy id is a 404 here, an instance policy id a 404 under a project", async () => {
    const auth = basic(sys.user.username);
    const own = await makePolicy(sys.actor, project);
    const instanceId = await createInstancePolicy({ targets: [{ type: "http", address: "https://a.example.com" }] });
    const r1 = await call(policy.GET, `${BASE}/policies/${own.id}`, { auth, params: idParams(own.id) });
    expectHarborError(r1, 404, "NOT_FOUND");
    const r2 = await call(projectPolicy.GET, `/api/v2.0/projects/${project.name}/webhook/policies/${instanceId}`, {
      auth,
      params: { project_name_or_id: project.name, webhook_policy_id: String(instanceId) },
    });
    expectHarborError(r2, 404, "NOT_FOUND");
    // A project's list never shows instance policies; the system list never shows a project's.
    const projectList = await call(projectPolicies.GET, `/api/v2.0/projects/${project.name}/webhook/policies`, {
      auth,
      params: { project_name_or_id: project.name },
    });
    expect((projectList.json as { id: number }[]).map((p) => p.id)).not.toContain(instanceId);
    const systemList = await call(policies.GET, `${BASE}/policies?page_size=100`, { auth });
    expect((systemList.json as { id: number }[]).map((p) => p.id)).not.toContain(own.id);
  });

  it("answers 401 without credentials and 403 to everyone but system admins", async () => {
    const anonymous = await call(policies.GET, `${BASE}/policies`, {});
    expect(anonymous.status).toBe(401);
    for (const who of [admin, maintainer]) {
      const r = await call(policies.GET, `${BASE}/policies`, { auth: basic(who.user.username) });
      expectHarborError(r, 403, "FORBIDDEN", "Only system admins can manage instance-wide webhooks.");
      const c = await call(policies.POST, `${BASE}/policies`, {
        auth: basic(who.user.username),
        body: {
          name: "x",
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: "https://a.example.com" }],
        },
      });
      expect(c.status).toBe(403);
    }
  });
});

describe("what a project sees of the instance-wide webhooks", () => {
  it("its admins read the covering policies' names, event types and target types, nothing else; maintainers get 403", async () => {
    const tag = uid();
    const p = await projectNamed(`cov-${tag}`);
    const db = await getDb();
    await db.projectMember.create({ data: { projectId: p.id, userId: admin.user.id, role: "projectAdmin" } });
    await db.projectMember.create({ data: { projectId: p.id, userId: maintainer.user.id, role: "maintainer" } });
    const covering = uniquePolicyName("covering");
    await createInstancePolicy({
      name: covering,
      project_pattern: `cov-${tag}`,
      event_types: ["PUSH_ARTIFACT", "SCANNING_FAILED"],
      targets: [
        { type: "http", address: "https://covering.example.com/secret-path", auth_header: "Bearer covering-secret" },
        { type: "slack", address: "https://hooks.slack.com/services/T0/B0/covering" },
      ],
    });
    const elsewhere = uniquePolicyName("elsewhere");
    await createInstancePolicy({
      name: elsewhere,
      project_pattern: `not-cov-${tag}`,
      targets: [{ type: "http", address: "https://a.example.com" }],
    });
    const path = `/api/v2.0/projects/${p.name}/webhook/instance-policies`;
    const params = { project_name_or_id: p.name };
    const r = await call(coverage.GET, path, { auth: basic(admin.user.username), params });
    expect(r.status).toBe(200);
    const mine = (r.json as { name: string }[]).filter((c) => c.name === covering || c.name === elsewhere);
    expect(mine).toEqual([
      {
        name: covering,
        enabled: true,
        event_types: ["PUSH_ARTIFACT", "SCANNING_FAILED"],
        target_types: ["http", "slack"],
      },
    ]);
    for (const c of r.json as unknown[]) harborInstanceCoverageSchema.parse(c);
    expect(r.text).not.toMatch(/example\.com|slack\.com|covering-secret/);
    const denied = await call(coverage.GET, path, { auth: basic(maintainer.user.username), params });
    expect(denied.status).toBe(403);
  });
});

describe("project deletion", () => {
  it("leaves instance policies and their history of other projects readable", async () => {
    const rx = await receiver();
    const tag = uid();
    const id = await createInstancePolicy({
      project_pattern: `gone-${tag}-*`,
      targets: [{ type: "http", address: `${rx.url}/gone` }],
    });
    const stays = await projectNamed(`gone-${tag}-stays`);
    const goes = await projectNamed(`gone-${tag}-goes`);
    await push(stays.id);
    await push(goes.id);
    await until(() => rx.requests.length === 2 || undefined);
    await deleteProject(await requireProject(sys.actor, goes.id, "project.delete"));

    const auth = basic(sys.user.username);
    const got = await call(policy.GET, `${BASE}/policies/${id}`, { auth, params: idParams(id) });
    expect(got.status).toBe(200);
    const list = await call(executions.GET, `${BASE}/policies/${id}/executions`, { auth, params: idParams(id) });
    expect(list.status).toBe(200);
    const items = list.json as { extra_attrs: { project_id: number } }[];
    expect(items.map((e) => e.extra_attrs.project_id)).toEqual([stays.id]);
    // And it still delivers to a project created afterwards with the same name.
    const again = await projectNamed(`gone-${tag}-goes`);
    await push(again.id);
    await until(() => rx.requests.length === 3 || undefined);
  });
});

describe("project events", () => {
  it("an instance policy receives PROJECT_CREATED and PROJECT_DELETED of a project made and removed through the API, in every format", async () => {
    const smtp = await startSmtp();
    try {
      await useLocalSmtp(smtp);
      const rx = await receiver();
      const tag = uid();
      const { policy: made, mailbox } = await everyFormatPolicy(
        sys.actor,
        null,
        rx,
        ["PROJECT_CREATED", "PROJECT_DELETED"],
        { project_pattern: `life-${tag}-*` },
      );
      const name = `life-${tag}-one`;
      const auth = basic(sys.user.username);
      const created = await call(projectsApi.POST, "/api/v2.0/projects", { auth, body: { project_name: name } });
      expect(created.status, created.text).toBe(201);
      const db = await getDb();
      const row = await db.project.findUniqueOrThrow({ where: { name } });
      const facts = { id: row.id, name, public: false };
      const createdEvent = await db.event.findFirstOrThrow({ where: { projectId: row.id, type: "PROJECT_CREATED" } });
      await expectInEveryFormat(
        made.id,
        createdEvent.id,
        { ...projectEvent("PROJECT_CREATED", facts, sys.user.username), occur_at: Number(createdEvent.occurAt) },
        rx,
        smtp,
        mailbox,
      );

      const removed = await call(projectApi.DELETE, `/api/v2.0/projects/${name}`, {
        method: "DELETE",
        auth,
        params: { project_name_or_id: name },
      });
      expect(removed.status, removed.text).toBe(200);
      const deletedEvent = (await db.event.findMany({ where: { projectId: null, type: "PROJECT_DELETED" } })).find(
        (e) => JSON.parse(e.eventData).project.name === name,
      );
      expect(deletedEvent).toBeDefined();
      await expectInEveryFormat(
        made.id,
        deletedEvent!.id,
        { ...projectEvent("PROJECT_DELETED", facts, sys.user.username), occur_at: Number(deletedEvent!.occurAt) },
        rx,
        smtp,
        mailbox,
      );
    } finally {
      await smtp.close();
    }
  }, 60_000);
});
