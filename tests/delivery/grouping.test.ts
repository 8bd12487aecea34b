// Grouping windows: events of one type and repository that arrive within a policy's window reach
// each target as one delivery listing every resource, sent when the window closes; exact
// duplicates once; other repositories and types apart; without a window, one delivery per event.
// Real deliveries through the worker to a local receiver.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as onePolicy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import { requireProject } from "@/lib/auth/access";
import { configSnapshot } from "@/lib/db/config-cache";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import type { HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { makeProject, makeUser, uid } from "../helpers/fixtures";
import { call, expectHarborError } from "../helpers/http";
import type { LocalServer } from "../helpers/receiver";
import { until } from "../helpers/until";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const delivery = useDeliveryWorker("grouping");
const PASSWORD = "password-123";
let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  admin = await makeUser({ sysadmin: true, password: PASSWORD });
});
const basic = () => `Basic ${Buffer.from(`${admin.user.username}:${PASSWORD}`).toString("base64")}`;

type Project = Awaited<ReturnType<typeof makeProject>>;

async function groupingPolicy(project: Project, rx: LocalServer, window: number | null) {
  const input = policyInputSchema.parse({
    name: `grouping-${uid()}`,
    event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
    targets: [{ type: "http", address: `${rx.url}/hook`, payload_format: "Default" }],
    grouping_window_seconds: window,
  });
  return (await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), input)).policy;
}

/** An event of `repo` with one resource per tag. */
function event(type: "PUSH_ARTIFACT" | "DELETE_ARTIFACT", repo: string, tags: string[], operator = "ci"): HarborEvent {
  const e = sampleEvent(type, new Date());
  const data = e.event_data as { resources: unknown[]; repository: Record<string, unknown> };
  data.repository = { ...data.repository, name: repo.split("/")[1], repo_full_name: repo };
  data.resources = tags.map((tag) => ({ tag, digest: `sha256:${tag}`, resource_url: `localhost/${repo}:${tag}` }));
  return { ...e, operator };
}

const send = (project: Project, e: HarborEvent) => ingestEvent({ projectId: project.id, event: e, source: "api" });
const bodies = (rx: LocalServer) => rx.requests.map((r) => JSON.parse(r.body) as HarborEvent);
const tagsOf = (e: HarborEvent) => (e.event_data as { resources: { tag: string }[] }).resources.map((r) => r.tag);
const repoOf = (e: HarborEvent) =>
  (e.event_data as { repository: { repo_full_name: string } }).repository.repo_full_name;

describe("grouping window", () => {
  it("folds pushes of one repository into one delivery with every resource, once the window closes; duplicates once", async () => {
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    const policy = await groupingPolicy(project, rx, 2);
    const repo = `${project.name}/app`;
    const started = Date.now();
    for (const tag of ["v1", "v2", "v3", "v4"]) await send(project, event("PUSH_ARTIFACT", repo, [tag]));
    // An exact duplicate of v2 (same type, operator, resources) adds nothing.
    await send(project, event("PUSH_ARTIFACT", repo, ["v2"]));
    // Another operator's push of v2 is not a duplicate.
    await send(project, event("PUSH_ARTIFACT", repo, ["v2"], "someone-else"));
    expect(rx.requests).toHaveLength(0);

    await until(() => rx.requests.length >= 1 || undefined, 10_000, "the group delivered");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests).toHaveLength(1);
    const [body] = bodies(rx);
    expect(body.type).toBe("PUSH_ARTIFACT");
    expect(repoOf(body)).toBe(repo);
    expect(tagsOf(body)).toEqual(["v1", "v2", "v3", "v4", "v2"]);

    // Every event is stored; one execution and task carry the group.
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(6);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(1);
    expect(await db.groupMember.count({ where: { task: { policyId: policy.id } } })).toBe(5);
  });

  it("a burst of concurrent events of one repository is still one delivery", async () => {
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    await groupingPolicy(project, rx, 2);
    const repo = `${project.name}/burst`;
    const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
    await Promise.all(tags.map((tag) => send(project, event("PUSH_ARTIFACT", repo, [tag]))));
    await until(() => rx.requests.length >= 1 || undefined, 10_000, "the group delivered");
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests).toHaveLength(1);
    expect(tagsOf(bodies(rx)[0]).sort()).toEqual([...tags].sort());
  });

  it("keeps other repositories and other event types apart", async () => {
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    await groupingPolicy(project, rx, 1);
    const a = `${project.name}/a`;
    const b = `${project.name}/b`;
    await send(project, event("PUSH_ARTIFACT", a, ["1"]));
    await send(project, event("PUSH_ARTIFACT", b, ["2"]));
    await send(project, event("DELETE_ARTIFACT", a, ["3"]));
    await send(project, event("PUSH_ARTIFACT", a, ["4"]));
    await until(() => rx.requests.length >= 3 || undefined, 10_000, "three deliveries");
    await new Promise((r) => setTimeout(r, 300));
    const got = bodies(rx)
      .map((e) => `${e.type} ${repoOf(e)} ${tagsOf(e).join(",")}`)
      .sort();
    expect(got).toEqual([`DELETE_ARTIFACT ${a} 3`, `PUSH_ARTIFACT ${a} 1,4`, `PUSH_ARTIFACT ${b} 2`].sort());
  });

  it("without a window, each event is a delivery of its own, sent at once", async () => {
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    await groupingPolicy(project, rx, null);
    const repo = `${project.name}/app`;
    for (const tag of ["a", "b", "c"]) await send(project, event("PUSH_ARTIFACT", repo, [tag]));
    await until(() => rx.requests.length >= 3 || undefined, 10_000, "three deliveries");
    expect(
      bodies(rx)
        .map((e) => tagsOf(e).join())
        .sort(),
    ).toEqual(["a", "b", "c"]);
  });

  it("the Harbor API takes and shows grouping_window_seconds; 0, 61 and 1.5 are refused naming the field", async () => {
    const project = await makeProject();
    const base = `/api/v2.0/projects/${project.name}/webhook`;
    const params = { project_name_or_id: project.name };
    const body = (window: unknown) => ({
      name: `api-${uid()}`,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "https://ci.example.com/hook" }],
      grouping_window_seconds: window,
    });
    for (const bad of [0, 61, 1.5, "10"]) {
      const r = await call(policies.POST, `${base}/policies`, {
        method: "POST",
        params,
        auth: basic(),
        body: body(bad),
      });
      expectHarborError(r, 400, "BAD_REQUEST", /grouping_window_seconds/);
    }
    const made = await call(policies.POST, `${base}/policies`, {
      method: "POST",
      params,
      auth: basic(),
      body: body(30),
    });
    expect(made.status, made.text).toBe(201);
    const id = made.headers.get("location")!.split("/").at(-1)!;
    const read = await call(onePolicy.GET, `${base}/policies/${id}`, {
      params: { ...params, webhook_policy_id: id },
      auth: basic(),
    });
    expect((read.json as { grouping_window_seconds: number | null }).grouping_window_seconds).toBe(30);
  });
});

describe("the grouping window and the configuration kept in memory", () => {
  it("a window set on a policy by any writer takes effect at the next event", async () => {
    const project = await makeProject();
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const policy = await groupingPolicy(project, rx, null);
    const db = await getDb();
    const tasks = () => db.task.count({ where: { policyId: policy.id } });
    // Ingest with the snapshot the requests share: the policy's targets are kept in it.
    const sendCached = async (e: HarborEvent) =>
      ingestEvent({ projectId: project.id, event: e, source: "api" }, await configSnapshot());
    await sendCached(event("PUSH_ARTIFACT", "lib/cached", ["a"]));
    expect(await tasks()).toBe(1);
    // The column alone, written directly (the triggers watch it, not the writer).
    await db.webhookPolicy.update({ where: { id: policy.id }, data: { groupingWindowSeconds: 60 } });
    await sendCached(event("PUSH_ARTIFACT", "lib/cached", ["b"]));
    await sendCached(event("PUSH_ARTIFACT", "lib/cached", ["c"]));
    expect(await tasks()).toBe(2);
  });
});
