// TAG_CREATED and TAG_DELETED from their real sources, delivered in every format through the
// worker. A real CNCF Distribution registry (Debian's docker-registry) posts its notifications to
// the web server's ingest endpoint; skopeo pushes an image and then copies it to a second tag (a
// retag: the same digest again): a PUSH_ARTIFACT each time, and a TAG_CREATED for the retag only.
// This registry (2.8) refuses tag deletion, so TAG_DELETED comes from the notification a registry
// that deletes tags (Distribution 3) sends, and from POST /v1/events.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { useEnv } from "../helpers/env";
import { everyFormatPolicy, expectInEveryFormat, useLocalSmtp } from "../helpers/every-format";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { useIngestServer } from "../helpers/ingest-server";
import { startSmtp, type LocalSmtp } from "../helpers/smtp-receiver";
import { until } from "../helpers/until";
import { writeOciImage } from "../helpers/oci-image";

const run = promisify(execFile);
const haveTools = fs.existsSync("/usr/bin/docker-registry") && fs.existsSync("/usr/bin/skopeo");
const TOKEN = "tag-events-registry-token-0123456789";

useEnv("REGISTRY_NOTIFICATION_TOKEN", TOKEN);
const delivery = useDeliveryWorker("tag-events");
const ingest = useIngestServer();

let smtp: LocalSmtp;
let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  smtp = await startSmtp();
  admin = await makeUser({ sysadmin: true });
});
afterAll(async () => {
  await smtp?.close();
});

type Stored = { id: number; type: string; eventData: string; operator: string; occurAt: bigint };
const harborEvent = (e: Stored) => ({
  type: e.type,
  occur_at: Number(e.occurAt),
  operator: e.operator,
  event_data: JSON.parse(e.eventData),
});

async function eventsOf(projectId: number, type: string): Promise<Stored[]> {
  const db = await getDb();
  return db.event.findMany({ where: { projectId, type }, orderBy: { id: "asc" } });
}

async function postEnvelope(events: unknown[]) {
  const res = await fetch(`${ingest.base()}/service/notifications`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": REGISTRY_ENVELOPE_MEDIA_TYPE },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { events: { type: string; registry_event_id: string; duplicate: boolean }[] };
}

describe.skipIf(!haveTools && !process.env.CI)("tag events from a real registry", () => {
  let registry: ChildProcess | undefined;
  let work = "";
  afterAll(() => {
    registry?.kill("SIGTERM");
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("a retag through docker-registry is a PUSH_ARTIFACT and a TAG_CREATED, delivered in every format; an artifact condition skips it", async () => {
    await useLocalSmtp(smtp);
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    const { policy, mailbox } = await everyFormatPolicy(admin.actor, project.id, rx, ["TAG_CREATED", "TAG_DELETED"]);
    // The registry reports this image as an OCI manifest: a policy that skips that type gets nothing.
    const skipping = policyInputSchema.parse({
      name: "skip-oci",
      event_types: ["TAG_CREATED", "PUSH_ARTIFACT"],
      targets: [{ type: "http", address: `${rx.url}/skipped` }],
      conditions: { artifacts: { mode: "exclude", patterns: ["application/vnd.oci.image.manifest.*"] } },
    });
    const skipped = (await createPolicy(await requireProject(admin.actor, project.id, "webhook.manage"), skipping))
      .policy;

    work = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-tag-events-"));
    const port = 20_000 + crypto.randomInt(20_000);
    fs.writeFileSync(
      path.join(work, "config.yml"),
      [
        "version: 0.1",
        "log: { level: warn }",
        `storage: { filesystem: { rootdirectory: ${path.join(work, "storage")} }, delete: { enabled: true } }`,
        `http: { addr: "127.0.0.1:${port}" }`,
        "notifications:",
        "  endpoints:",
        "    - name: harbor-notifier",
        `      url: ${ingest.base()}/service/notifications`,
        `      headers: { Authorization: ["Bearer ${TOKEN}"] }`,
        "      timeout: 5s",
        "      threshold: 5",
        "      backoff: 1s",
      ].join("\n"),
    );
    registry = spawn("/usr/bin/docker-registry", ["serve", path.join(work, "config.yml")], { stdio: "ignore" });
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => null))?.status === 200,
      20_000,
      "the registry answering",
    );

    const image = path.join(work, "image");
    writeOciImage(image);
    const repo = `127.0.0.1:${port}/${project.name}/app`;
    await run(
      "skopeo",
      ["--insecure-policy", "copy", "--dest-tls-verify=false", `oci:${image}:latest`, `docker://${repo}:1.0`],
      {
        timeout: 60_000,
      },
    );
    await until(async () => (await eventsOf(project.id, "PUSH_ARTIFACT")).length === 1, 30_000, "the first push");
    expect(await eventsOf(project.id, "TAG_CREATED")).toHaveLength(0);

    // The retag: the manifest the repository holds, under a second tag.
    await run(
      "skopeo",
      [
        "--insecure-policy",
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        `docker://${repo}:1.0`,
        `docker://${repo}:stable`,
      ],
      { timeout: 60_000 },
    );
    const [created] = await until(
      async () => {
        const list = await eventsOf(project.id, "TAG_CREATED");
        return list.length > 0 ? list : undefined;
      },
      30_000,
      "the TAG_CREATED",
    );
    const pushes = await eventsOf(project.id, "PUSH_ARTIFACT");
    expect(pushes).toHaveLength(2);
    const [first, second] = pushes.map(harborEvent);
    const tagEvent = harborEvent(created);
    expect(tagEvent.event_data.resources).toEqual([
      { digest: first.event_data.resources[0].digest, tag: "stable", resource_url: `${repo}:stable` },
    ]);
    expect(tagEvent.event_data).toEqual(second.event_data);
    expect(tagEvent.event_data.repository).toMatchObject({
      namespace: project.name,
      repo_full_name: `${project.name}/app`,
    });

    await expectInEveryFormat(policy.id, created.id, tagEvent as never, rx, smtp, mailbox);

    // Pushing 1.0 again onto the digest it names is a push, not a new tag.
    await run(
      "skopeo",
      ["--insecure-policy", "copy", "--dest-tls-verify=false", `oci:${image}:latest`, `docker://${repo}:1.0`],
      { timeout: 60_000 },
    );
    await until(async () => (await eventsOf(project.id, "PUSH_ARTIFACT")).length === 3, 30_000, "the re-push");
    expect(await eventsOf(project.id, "TAG_CREATED")).toHaveLength(1);
    const db = await getDb();
    expect(await db.execution.count({ where: { policyId: skipped.id } })).toBe(0);
    expect(rx.requests.filter((r) => r.url.includes("/skipped"))).toHaveLength(0);
  });
});

describe("tag events from notifications and the event API", () => {
  it("a re-posted first push is no retag; another push of the digest is, once", async () => {
    const project = await makeProject();
    const digest = `sha256:${crypto.randomBytes(32).toString("hex")}`;
    const push = (id: string, tag: string) => ({
      id,
      timestamp: "2026-12-02T10:00:00.5Z",
      action: "push",
      target: {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest,
        repository: `${project.name}/app`,
        tag,
      },
      request: { id: `req-${id}`, method: "PUT", host: "registry.local:5000" },
      actor: { name: "ci" },
    });
    const first = await postEnvelope([push("first", "1.0")]);
    expect(first.events.map((e) => e.type)).toEqual(["PUSH_ARTIFACT"]);
    const again = await postEnvelope([push("first", "1.0")]);
    expect(again.events.map((e) => [e.type, e.duplicate])).toEqual([["PUSH_ARTIFACT", true]]);
    const retag = await postEnvelope([push("second", "prod")]);
    expect(retag.events.map((e) => [e.type, e.registry_event_id])).toEqual([
      ["PUSH_ARTIFACT", "second"],
      ["TAG_CREATED", "second#tag-created"],
    ]);
    const retagAgain = await postEnvelope([push("second", "prod")]);
    expect(retagAgain.events.map((e) => e.duplicate)).toEqual([true, true]);
    // Within one envelope too: the second tagged push of a digest new to the repository.
    const fresh = `sha256:${crypto.randomBytes(32).toString("hex")}`;
    const both = await postEnvelope([
      { ...push("third", "2.0"), target: { ...push("third", "2.0").target, digest: fresh } },
      { ...push("fourth", "latest"), target: { ...push("fourth", "latest").target, digest: fresh } },
    ]);
    expect(both.events.map((e) => e.type)).toEqual(["PUSH_ARTIFACT", "PUSH_ARTIFACT", "TAG_CREATED"]);
    // A tag pushed again onto the digest it names is no new tag; moved onto a held digest, it is.
    const same = await postEnvelope([push("sixth", "prod")]);
    expect(same.events.map((e) => e.type)).toEqual(["PUSH_ARTIFACT"]);
    const moved = await postEnvelope([
      { ...push("seventh", "prod"), target: { ...push("seventh", "prod").target, digest: fresh } },
    ]);
    expect(moved.events.map((e) => e.type)).toEqual(["PUSH_ARTIFACT", "TAG_CREATED"]);
    // A deleted manifest is forgotten: pushing it again later is a push, not a retag.
    await postEnvelope([
      { ...push("del", ""), action: "delete", target: { digest, repository: `${project.name}/app` } },
    ]);
    const repush = await postEnvelope([push("fifth", "1.0")]);
    expect(repush.events.map((e) => e.type)).toEqual(["PUSH_ARTIFACT"]);
  });

  it("an envelope of pushes, retags and a deletion is remembered as if its events came one by one", async () => {
    const project = await makeProject();
    const [a, b] = [1, 2].map(() => `sha256:${crypto.randomBytes(32).toString("hex")}`);
    const event = (id: string, action: string, digest: string, tag?: string) => ({
      id,
      timestamp: "2026-12-02T10:00:00Z",
      action,
      target: {
        ...(action === "push" ? { mediaType: "application/vnd.oci.image.manifest.v1+json" } : {}),
        digest,
        repository: `${project.name}/app`,
        ...(tag ? { tag } : {}),
      },
      request: { id: `req-${id}`, method: action === "push" ? "PUT" : "DELETE" },
    });
    const first = await postEnvelope([
      event("m1", "push", a!, "t1"),
      event("m2", "push", b!, "t1"),
      event("m3", "push", a!, "t2"),
      event("m4", "delete", b!),
      event("m5", "push", b!, "t3"),
    ]);
    expect(first.events.map((e) => [e.registry_event_id, e.type])).toEqual([
      ["m1", "PUSH_ARTIFACT"],
      ["m2", "PUSH_ARTIFACT"],
      ["m3", "PUSH_ARTIFACT"],
      ["m3#tag-created", "TAG_CREATED"],
      ["m4", "DELETE_ARTIFACT"],
      ["m5", "PUSH_ARTIFACT"],
      ["m5#tag-created", "TAG_CREATED"],
    ]);
    const db = await getDb();
    const where = { projectId: project.id, repository: `${project.name}/app` };
    const manifests = await db.registryManifest.findMany({ where, orderBy: { firstEventKey: "asc" } });
    expect(manifests.map((m) => [m.digest, m.firstEventKey])).toEqual([
      [a, "m1"],
      [b, "m5"],
    ]);
    // Deleting b forgot t1 (which named b by then); t2 names a, t3 names b.
    const tags = await db.registryTag.findMany({ where, orderBy: { tag: "asc" } });
    expect(tags.map((t) => [t.tag, t.digest, t.eventKey])).toEqual([
      ["t2", a, "m3"],
      ["t3", b, "m5"],
    ]);
    const next = await postEnvelope([event("n1", "push", b!, "t1"), event("n2", "push", a!, "t2")]);
    expect(next.events.map((e) => e.registry_event_id)).toEqual(["n1", "n1#tag-created", "n2"]);
  });

  it("TAG_DELETED from a registry that deletes tags and from POST /v1/events, in every format", async () => {
    await useLocalSmtp(smtp);
    const rx = await delivery.receiver((_q, res) => res.end("ok"));
    const project = await makeProject();
    const { policy, mailbox } = await everyFormatPolicy(admin.actor, project.id, rx, ["TAG_DELETED"]);

    // Distribution 3 reports a tag deletion as a delete naming the tag, without a digest.
    const posted = await postEnvelope([
      {
        id: "tag-delete-1",
        timestamp: "2026-12-02T10:05:00Z",
        action: "delete",
        target: { repository: `${project.name}/app`, tag: "old" },
        request: { id: "req-del", method: "DELETE", host: "registry.local:5000" },
        actor: { name: "alice" },
      },
    ]);
    expect(posted.events.map((e) => e.type)).toEqual(["TAG_DELETED"]);
    const [fromRegistry] = await eventsOf(project.id, "TAG_DELETED");
    const registryEvent = harborEvent(fromRegistry);
    expect(registryEvent).toMatchObject({
      operator: "alice",
      event_data: { resources: [{ tag: "old", resource_url: `registry.local:5000/${project.name}/app:old` }] },
    });
    await expectInEveryFormat(policy.id, fromRegistry.id, registryEvent as never, rx, smtp, mailbox);

    const { key } = await makeApiKey(project.id);
    const apiEvent = {
      type: "TAG_DELETED",
      occur_at: 1_780_000_000,
      operator: "release-bot",
      event_data: {
        resources: [
          { digest: `sha256:${"a".repeat(64)}`, tag: "rc1", resource_url: `registry.local/${project.name}/app:rc1` },
        ],
        repository: {
          name: "app",
          namespace: project.name,
          repo_full_name: `${project.name}/app`,
          repo_type: "private",
        },
      },
    };
    const res = await fetch(`${ingest.base()}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(apiEvent),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    await expectInEveryFormat(policy.id, id, apiEvent as never, rx, smtp, mailbox);
  });
});
