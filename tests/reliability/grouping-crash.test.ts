// An open grouping window survives a kill -9 of the worker: its events are stored with the group's
// task at ingest, so a worker started afterwards sends the group once, with every resource.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import type { HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeProject, makeUser } from "../helpers/fixtures";
import { useOwnDatabase } from "../helpers/own-database";
import { startServer, type LocalServer } from "../helpers/receiver";
import { until } from "../helpers/until";
import { startWorker, type Child } from "./processes";

let env: NodeJS.ProcessEnv;
let dispose: (() => Promise<void>) | undefined;
let rx: LocalServer;
const children: Child[] = [];
beforeAll(async () => {
  ({ env, dispose } = await useOwnDatabase("grouping-crash"));
  rx = await startServer((_q, res) => res.end("ok"));
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.killHard()));
  await rx?.close();
  await dispose?.();
});

function push(repo: string, tag: string): HarborEvent {
  const e = sampleEvent("PUSH_ARTIFACT", new Date());
  const data = e.event_data as { resources: unknown[]; repository: Record<string, unknown> };
  data.repository = { ...data.repository, repo_full_name: repo };
  data.resources = [{ tag, digest: `sha256:${tag}`, resource_url: `localhost/${repo}:${tag}` }];
  return e;
}

describe("kill -9 during an open grouping window", () => {
  it("loses nothing: the next worker sends the group once with every resource", async () => {
    const admin = await makeUser({ sysadmin: true });
    const project = await makeProject();
    const input = policyInputSchema.parse({
      name: "grouped",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: `${rx.url}/hook` }],
      grouping_window_seconds: 10,
    });
    await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), input);
    const repo = `${project.name}/app`;
    const workerEnv = { ...env, ALLOWED_NETWORKS: "127.0.0.0/8,::1/128", LOG_LEVEL: "info" };

    await ingestEvent({ projectId: project.id, event: push(repo, "one"), source: "api" });
    const first = startWorker(workerEnv);
    children.push(first);
    await first.waitForLine(/delivery worker started/, 60_000);
    await ingestEvent({ projectId: project.id, event: push(repo, "two"), source: "api" });
    await first.killHard();
    await ingestEvent({ projectId: project.id, event: push(repo, "three"), source: "api" });
    expect(rx.requests).toHaveLength(0);

    const second = startWorker(workerEnv);
    children.push(second);
    await until(() => rx.requests.length >= 1 || undefined, 30_000, "the group delivered");
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.requests).toHaveLength(1);
    const body = JSON.parse(rx.requests[0].body) as HarborEvent;
    const tags = (body.event_data as { resources: { tag: string }[] }).resources.map((r) => r.tag);
    expect(tags).toEqual(["one", "two", "three"]);
  }, 120_000);
});
