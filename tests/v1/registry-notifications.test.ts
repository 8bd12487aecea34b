import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/service/notifications/route";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { getSettings } from "@/lib/settings/settings";
import { useEnv } from "../helpers/env";
import { DEAD_URL, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";

const TOKEN = "registry-test-token-0123456789";
const admin = makeUser({ sysadmin: true });
const MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

useEnv("REGISTRY_NOTIFICATION_TOKEN", TOKEN);

const digest = () => "sha256:" + crypto.randomBytes(32).toString("hex");

/** One registry event as registry:2 sends it. */
function registryEvent(over: {
  action?: string;
  repository: string;
  mediaType?: string | null;
  tag?: string;
  method?: string;
  requestId?: string;
  id?: string;
  digest?: string;
}) {
  const d = over.digest ?? digest();
  return {
    id: over.id ?? crypto.randomUUID(),
    timestamp: "2024-05-01T10:00:00.123456789Z",
    action: over.action ?? "push",
    target: {
      ...(over.mediaType === null ? {} : { mediaType: over.mediaType ?? MANIFEST }),
      size: 1234,
      digest: d,
      length: 1234,
      repository: over.repository,
      url: `http://registry.local:5000/v2/${over.repository}/manifests/${d}`,
      ...(over.tag ? { tag: over.tag } : {}),
    },
    request: {
      id: over.requestId ?? crypto.randomUUID(),
      addr: "10.0.0.5:4711",
      host: "registry.local:5000",
      method: over.method ?? "PUT",
      useragent: "docker/24",
    },
    actor: { name: "ci-bot" },
    source: { addr: "registry:5000", instanceID: "abc" },
  };
}

async function setup() {
  const project = await makeProject();
  const input = policyInputSchema.parse({
    name: "artifacts",
    event_types: ["PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT"],
    targets: [{ type: "http", address: DEAD_URL }],
  });
  const { policy } = await createPolicy(await requireProject((await admin).actor, project.id, "webhook.manage"), input);
  return { project, policy };
}

const notify = (body: unknown, opts: { token?: string; contentType?: string; rawBody?: string } = {}) =>
  call(POST, {
    path: "/service/notifications",
    auth: opts.token === "" ? undefined : `Bearer ${opts.token ?? TOKEN}`,
    body: opts.rawBody ?? body,
    headers: { "content-type": opts.contentType ?? REGISTRY_ENVELOPE_MEDIA_TYPE },
  });

type Result = {
  accepted: number;
  duplicates: number;
  deliveries: number;
  events: {
    id: number;
    registry_event_id: string;
    project: string;
    type: string;
    deliveries: number;
    duplicate: boolean;
  }[];
  ignored: { id: string; code: string; reason: string }[];
};

describe("POST /service/notifications", () => {
  it("maps a manifest push to PUSH_ARTIFACT of the repository's project", async () => {
    const { project, policy } = await setup();
    const ev = registryEvent({ repository: `${project.name}/team/app`, tag: "v1.2", requestId: "reg-req-1" });
    const res = await notify({ events: [ev] });
    expect(res.status).toBe(202);
    const body = res.json as Result;
    expect(body).toEqual({
      accepted: 1,
      duplicates: 0,
      deliveries: 1,
      events: [
        {
          id: expect.any(Number),
          registry_event_id: ev.id,
          project: project.name,
          type: "PUSH_ARTIFACT",
          deliveries: 1,
          duplicate: false,
        },
      ],
      ignored: [],
    });
    const db = await getDb();
    const event = await db.event.findUniqueOrThrow({ where: { id: body.events[0].id }, include: { executions: true } });
    expect(event).toMatchObject({
      projectId: project.id,
      type: "PUSH_ARTIFACT",
      source: "registry",
      requestId: "reg-req-1",
      operator: "ci-bot",
      idempotencyKey: `registry:${ev.id}`,
    });
    expect(Number(event.occurAt)).toBe(Date.UTC(2024, 4, 1, 10, 0, 0) / 1000);
    expect(JSON.parse(event.eventData)).toEqual({
      resources: [
        { digest: ev.target.digest, tag: "v1.2", resource_url: `registry.local:5000/${project.name}/team/app:v1.2` },
      ],
      repository: {
        name: "team/app",
        namespace: project.name,
        repo_full_name: `${project.name}/team/app`,
        repo_type: "private",
      },
    });
    expect(event.executions.map((e) => e.policyId)).toEqual([policy.id]);
  });

  it("maps pulls (GET, not HEAD) and deletes; application/json is accepted too", async () => {
    const { project } = await setup();
    const d = digest();
    const pull = registryEvent({ action: "pull", repository: `${project.name}/app`, method: "GET", digest: d });
    const head = registryEvent({ action: "pull", repository: `${project.name}/app`, method: "HEAD", digest: d });
    const del = registryEvent({
      action: "delete",
      repository: `${project.name}/app`,
      mediaType: null,
      method: "DELETE",
      digest: d,
    });
    const res = await notify({ events: [head, pull, del] }, { contentType: "application/json" });
    expect(res.status).toBe(202);
    const body = res.json as Result;
    expect(body.events.map((e) => [e.registry_event_id, e.type])).toEqual([
      [pull.id, "PULL_ARTIFACT"],
      [del.id, "DELETE_ARTIFACT"],
    ]);
    expect(body.ignored).toEqual([{ id: head.id, code: "not_applicable", reason: expect.stringContaining("HEAD") }]);
    expect(body.deliveries).toBe(2);
  });

  it("blob-only envelopes (layer pushes) create nothing and say why", async () => {
    const { project } = await setup();
    const blobs = [
      registryEvent({ repository: `${project.name}/app`, mediaType: LAYER }),
      registryEvent({
        action: "pull",
        method: "GET",
        repository: `${project.name}/app`,
        mediaType: "application/octet-stream",
      }),
    ];
    const res = await notify({ events: blobs });
    expect(res.status).toBe(202);
    const body = res.json as Result;
    expect(body).toMatchObject({ accepted: 0, deliveries: 0, events: [] });
    expect(body.ignored).toEqual(
      blobs.map((b) => ({ id: b.id, code: "not_applicable", reason: expect.stringContaining("not a manifest") })),
    );
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("a re-posted envelope does not fan out twice", async () => {
    const { project, policy } = await setup();
    const envelope = {
      events: [
        registryEvent({ repository: `${project.name}/app`, tag: "1" }),
        registryEvent({ repository: `${project.name}/app`, tag: "2" }),
      ],
    };
    const first = (await notify(envelope)).json as Result;
    const second = await notify(envelope);
    expect(second.status).toBe(202);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, deliveries: 2 });
    expect(second.json).toMatchObject({ accepted: 0, duplicates: 2, deliveries: 0 });
    expect((second.json as Result).events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(2);
    expect(await db.task.count({ where: { policyId: policy.id } })).toBe(2);
  });

  it("an unknown project is ignored by name, the rest of the envelope is accepted", async () => {
    const { project } = await setup();
    const known = registryEvent({ repository: `${project.name}/app`, tag: "ok" });
    const unknown = registryEvent({ repository: "no-such-project-xyz/app", tag: "x" });
    const numeric = registryEvent({ repository: `${project.id}/app`, tag: "x" }); // a name, never an id
    const res = await notify({ events: [unknown, known, numeric] });
    expect(res.status).toBe(202);
    const body = res.json as Result;
    expect(body.accepted).toBe(1);
    expect(body.events.map((e) => e.registry_event_id)).toEqual([known.id]);
    expect(body.ignored).toEqual([
      { id: unknown.id, code: "unknown_project", reason: 'project "no-such-project-xyz" does not exist' },
      { id: numeric.id, code: "unknown_project", reason: `project "${project.id}" does not exist` },
    ]);
  });

  it("malformed envelopes answer 400 with the field, and nothing is written", async () => {
    const { project } = await setup();
    const good = registryEvent({ repository: `${project.name}/app`, tag: "1" });
    expectV1Error(await notify(undefined, { rawBody: '{"events": [' }), 400, "invalid_json", "body");
    expectV1Error(await notify(undefined, { rawBody: "" }), 400, "invalid_json", "body");
    expectV1Error(await notify({ events: "push" }), 400, "validation_error", "events");
    expectV1Error(await notify({}), 400, "validation_error", "events");
    expectV1Error(await notify([good]), 400, "validation_error", "body");
    expectV1Error(
      await notify({ events: [good] }, { contentType: "text/plain" }),
      415,
      "unsupported_media_type",
      "Content-Type",
    );
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("an invalid event is skipped with the field at fault and counted as rejected; the others are accepted", async () => {
    const { project } = await setup();
    const before = await (await getDb()).registryFeed.findUnique({ where: { id: 1 } });
    const good = registryEvent({ repository: `${project.name}/app`, tag: "1" });
    const { timestamp: _dropped, ...noTimestamp } = registryEvent({ repository: `${project.name}/app` });
    const noRepository = registryEvent({ repository: "" });
    const year10000 = { ...registryEvent({ repository: `${project.name}/app` }), timestamp: "+010000-01-01T00:00:00Z" };
    // After 2038-01-19: beyond a 32-bit column, stored and delivered as it is.
    const after2038 = {
      ...registryEvent({ repository: `${project.name}/app`, tag: "2" }),
      timestamp: "2100-01-01T00:00:00Z",
    };
    const res = await notify({ events: [good, noTimestamp, noRepository, year10000, after2038] });
    expect(res.status).toBe(202);
    const body = res.json as { accepted: number; ignored: { id: string; code: string; reason: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.ignored).toEqual([
      { id: noTimestamp.id, code: "invalid_event", reason: expect.stringMatching(/^events\.1\.timestamp: /) },
      { id: noRepository.id, code: "invalid_event", reason: expect.stringMatching(/^events\.2\.target\.repository: /) },
      { id: year10000.id, code: "invalid_event", reason: "events.3.timestamp: must be a time from 1970 to 9999" },
    ]);
    const db = await getDb();
    const stored = await db.event.findMany({ where: { projectId: project.id }, orderBy: { id: "asc" } });
    expect(stored.map((e) => Number(e.occurAt))).toEqual([
      Date.parse("2024-05-01T10:00:00Z") / 1000,
      Date.UTC(2100, 0, 1) / 1000,
    ]);
    const feed = await db.registryFeed.findUnique({ where: { id: 1 } });
    expect(feed!.rejected - (before?.rejected ?? 0)).toBe(3);
    expect(feed!.lastRejectedReason).toContain(noTimestamp.id);
    // The same envelope again: the good events are duplicates, nothing new is stored.
    const again = await notify({ events: [good, noTimestamp, noRepository, year10000, after2038] });
    expect(again.status).toBe(202);
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(2);
  });

  it("an envelope over 1 MiB answers 413 naming the limit", async () => {
    const { project } = await setup();
    const ev = registryEvent({ repository: `${project.name}/app`, tag: "1" });
    const res = await notify({ events: [{ ...ev, padding: "x".repeat(1024 * 1024) }] });
    expectV1Error(res, 413, "payload_too_large", "body");
    expect((res.json as { error: { message: string } }).error.message).toContain("1 MiB");
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("401 without the token, with a wrong one, or another scheme; nothing is written", async () => {
    const { project } = await setup();
    const envelope = { events: [registryEvent({ repository: `${project.name}/app`, tag: "1" })] };
    expectV1Error(await notify(envelope, { token: "" }), 401, "unauthorized");
    expectV1Error(await notify(envelope, { token: "wrong-token" }), 401, "unauthorized");
    expectV1Error(await notify(envelope, { token: TOKEN.slice(0, -1) }), 401, "unauthorized");
    const basic = await call(POST, {
      path: "/service/notifications",
      auth: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`,
      body: envelope,
    });
    expectV1Error(basic, 401, "unauthorized");
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
    expect((await notify(envelope)).status).toBe(202);
  });

  it("accepts the token set by the system admin in settings as well", async () => {
    const { project } = await setup();
    const db = await getDb();
    const before = (await getSettings()).registryTokenEnc;
    const adminToken = "settings-token-" + crypto.randomBytes(8).toString("hex");
    await db.systemSettings.update({ where: { id: 1 }, data: { registryTokenEnc: encryptSecret(adminToken) } });
    try {
      const envelope = { events: [registryEvent({ repository: `${project.name}/app`, tag: "s" })] };
      const res = await notify(envelope, { token: adminToken });
      expect(res.status).toBe(202);
      expect((res.json as Result).accepted).toBe(1);
    } finally {
      await db.systemSettings.update({ where: { id: 1 }, data: { registryTokenEnc: before } });
    }
  });
});
