// The web server answers POST /v1/events and POST /service/notifications itself (lib/events/ingest-http.ts)
// with the routes' own code. Through a real HTTP server (createWebServer with the lean handler), every
// answer must be the one the Next route handler gives: status, body, error code and field, request id,
// Retry-After; and a request the lean path does not take still reaches Next's handler.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import * as events from "@/app/v1/events/route";
import * as notifications from "@/app/service/notifications/route";
import { getDb } from "@/lib/db/client";
import { REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";
import { sampleEvent } from "@/lib/events/samples";
import SECURITY_HEADERS from "@/lib/http/security-headers.json";
import { createPolicy } from "@/lib/policies/service";
import { readRegistryFeed } from "@/lib/settings/registry-feed";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { useEnv } from "../helpers/env";
import { call, type CallResult } from "../helpers/http";
import { useIngestServer } from "../helpers/ingest-server";

const TOKEN = "lean-registry-token-0123456789";
const admin = makeUser({ sysadmin: true });
useEnv("REGISTRY_NOTIFICATION_TOKEN", TOKEN);
// Whatever the lean path does not take gets this answer, as Next's handler would serve it.
const server = useIngestServer((_req, res) => {
  res.writeHead(299, { "Content-Type": "text/plain" });
  res.end("next");
});

type Req = { path: string; headers?: Record<string, string>; body?: unknown; method?: string };

async function overHttp(r: Req): Promise<CallResult> {
  const body = r.body === undefined || typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  const headers: Record<string, string> = { ...r.headers };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  const res = await fetch(server.base() + r.path, { method: r.method ?? "POST", headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Row ids and the registry's event ids differ between two stores of the same event; nothing else may. */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (key, v: unknown) =>
    key === "id" && typeof v === "number" ? "<id>" : typeof v === "string" && UUID.test(v) ? "<uuid>" : v,
  );
}

/** The same request to the Next route handler and over HTTP to the lean path: the same answer. */
async function expectSameAnswer(handler: typeof events.POST, r: Req, freshBody?: () => unknown) {
  const viaNext = await call(handler, { path: r.path, headers: r.headers, body: r.body, method: r.method });
  const viaLean = await overHttp(freshBody ? { ...r, body: freshBody() } : r);
  expect(viaLean.status).toBe(viaNext.status);
  expect(comparable(viaLean.json)).toEqual(comparable(viaNext.json));
  expect(viaLean.headers.get("content-type")).toBe(viaNext.headers.get("content-type"));
  expect(viaLean.headers.get("retry-after")).toBe(viaNext.headers.get("retry-after"));
  const sentId = r.headers?.["x-request-id"];
  if (sentId) {
    expect(viaLean.headers.get("x-request-id")).toBe(sentId);
    expect(viaNext.headers.get("x-request-id")).toBe(sentId);
  } else {
    expect(viaLean.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  }
  for (const h of SECURITY_HEADERS) expect(viaLean.headers.get(h.key)).toBe(h.value);
  return { viaNext, viaLean };
}

async function projectWithKey() {
  const project = await makeProject();
  const { key, row } = await makeApiKey(project.id);
  await createPolicy(
    await requireProject((await admin).actor, project.id, "webhook.manage"),
    policyInputSchema.parse({
      name: "all",
      event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
      targets: [
        { type: "http", address: DEAD_URL, payload_format: "Default" },
        { type: "http", address: DEAD_URL, payload_format: "CloudEvents" },
      ],
    }),
  );
  return { project, key, keyRow: row };
}

describe("POST /v1/events through the web server's lean path", () => {
  it("accepts an event as the route does: 202, the same body, the row committed when the answer arrives", async () => {
    const { key } = await projectWithKey();
    const auth = { authorization: `Bearer ${key}`, "x-request-id": "lean-req-1" };
    const { viaLean } = await expectSameAnswer(events.POST, {
      path: "/v1/events",
      headers: auth,
      body: sampleEvent("PUSH_ARTIFACT"),
    });
    expect(viaLean.status).toBe(202);
    expect(viaLean.json).toEqual({ id: expect.any(Number), deliveries: 2 });
    const db = await getDb();
    const stored = await db.event.findUnique({
      where: { id: (viaLean.json as { id: number }).id },
      include: { executions: { include: { tasks: true } } },
    });
    expect(stored?.requestId).toBe("lean-req-1");
    expect(stored?.executions).toHaveLength(2);
    expect(stored?.executions.every((e) => e.tasks.length === 1)).toBe(true);
  });

  it("answers validate_only, idempotent repeats and a reused key as the route does", async () => {
    const { key } = await projectWithKey();
    const auth = { authorization: `Bearer ${key}` };
    await expectSameAnswer(events.POST, {
      path: "/v1/events?validate_only=true",
      headers: auth,
      body: sampleEvent("PUSH_ARTIFACT"),
    });
    await expectSameAnswer(events.POST, {
      path: "/v1/events?validate_only=maybe",
      headers: auth,
      body: sampleEvent("PUSH_ARTIFACT"),
    });
    // The Next route stores first; the lean path then answers the duplicate of that same event.
    const body = sampleEvent("PUSH_ARTIFACT");
    const first = await call(events.POST, {
      path: "/v1/events",
      headers: { ...auth, "idempotency-key": "k-1" },
      body,
    });
    const again = await overHttp({ path: "/v1/events", headers: { ...auth, "idempotency-key": "k-1" }, body });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ ...(first.json as object), duplicate: true });
    await expectSameAnswer(events.POST, {
      path: "/v1/events",
      headers: { ...auth, "idempotency-key": "k-1" },
      body: sampleEvent("DELETE_ARTIFACT"),
    });
    await expectSameAnswer(events.POST, {
      path: "/v1/events",
      headers: { ...auth, "idempotency-key": "has space" },
      body,
    });
  });

  it("refuses as the route does: no key, a wrong or revoked key, bad bodies, bad media type, bad query", async () => {
    const { key, keyRow } = await projectWithKey();
    const auth = { authorization: `Bearer ${key}` };
    const cases: Req[] = [
      { path: "/v1/events", body: sampleEvent("PUSH_ARTIFACT") },
      { path: "/v1/events", headers: { authorization: "Basic YWRtaW46eA==" }, body: sampleEvent("PUSH_ARTIFACT") },
      { path: "/v1/events", headers: { authorization: `Bearer hk_test_${"x".repeat(32)}` }, body: {} },
      { path: "/v1/events", headers: auth, body: "{not json" },
      { path: "/v1/events", headers: auth, body: "" },
      { path: "/v1/events", headers: auth, body: { type: "PUSH_ARTIFACT" } },
      { path: "/v1/events", headers: auth, body: { ...sampleEvent("PUSH_ARTIFACT"), surprise: 1 } },
      { path: "/v1/events", headers: { ...auth, "content-type": "text/plain" }, body: "hello" },
      { path: "/v1/events?x=%00", headers: auth, body: sampleEvent("PUSH_ARTIFACT") },
      { path: "/v1/events", headers: auth, body: "x".repeat(1024 * 1024 + 1) },
    ];
    for (const c of cases) await expectSameAnswer(events.POST, c);
    const db = await getDb();
    await db.apiKey.update({ where: { id: keyRow.id }, data: { revokedAt: new Date() } });
    const { viaLean } = await expectSameAnswer(events.POST, {
      path: "/v1/events",
      headers: auth,
      body: sampleEvent("PUSH_ARTIFACT"),
    });
    expect(viaLean.status).toBe(401);
  });

  it("leaves other methods and paths to Next's handler", async () => {
    expect((await overHttp({ path: "/v1/events", method: "GET" })).status).toBe(299);
    expect((await overHttp({ path: "/v1/events/", body: {} })).status).toBe(299);
    expect((await overHttp({ path: "/v1/destinations", body: {} })).status).toBe(299);
  });
});

describe("POST /service/notifications through the web server's lean path", () => {
  const push = (project: string, tag: string) => ({
    id: crypto.randomUUID(),
    timestamp: "2024-05-01T10:00:00Z",
    action: "push",
    target: {
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      digest: `sha256:${crypto.randomBytes(32).toString("hex")}`,
      repository: `${project}/app`,
      tag,
    },
    request: { id: crypto.randomUUID(), method: "PUT" },
  });
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": REGISTRY_ENVELOPE_MEDIA_TYPE };

  it("accepts an envelope as the route does, unknown projects and layers listed in `ignored`", async () => {
    const { project } = await projectWithKey();
    const envelope = () => ({
      events: [
        push(project.name, "a"),
        push(project.name, "b"),
        push("no-such-project-lean", "c"),
        {
          ...push(project.name, "d"),
          target: { ...push(project.name, "d").target, mediaType: "application/octet-stream" },
        },
      ],
    });
    // Event ids are the registry's dedupe keys: each side gets an envelope of its own.
    const { viaLean } = await expectSameAnswer(
      notifications.POST,
      { path: "/service/notifications", headers, body: envelope() },
      envelope,
    );
    expect(viaLean.status).toBe(202);
    expect(viaLean.json).toMatchObject({ accepted: 2, duplicates: 0, deliveries: 4 });
  });

  it("a re-posted envelope is answered as duplicates, by both", async () => {
    const { project } = await projectWithKey();
    const body = { events: [push(project.name, "a")] };
    const first = await overHttp({ path: "/service/notifications", headers, body });
    expect(first.json).toMatchObject({ accepted: 1 });
    const { viaLean } = await expectSameAnswer(notifications.POST, { path: "/service/notifications", headers, body });
    expect(viaLean.json).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it("refuses as the route does: no token, a wrong token, a malformed envelope", async () => {
    const { project } = await projectWithKey();
    const cases: Req[] = [
      { path: "/service/notifications", body: { events: [] } },
      { path: "/service/notifications", headers: { authorization: "Bearer wrong" }, body: { events: [] } },
      { path: "/service/notifications", headers, body: { events: "nope" } },
      { path: "/service/notifications", headers, body: "[" },
      { path: "/service/notifications", headers, body: { events: Array.from({ length: 1001 }, () => ({})) } },
      { path: "/service/notifications", headers, body: { events: [{ ...push(project.name, "x"), action: 3 }] } },
    ];
    for (const c of cases) await expectSameAnswer(notifications.POST, c);
  });

  it("shows admins the connection's address as the source of a refusal, not one the client claims", async () => {
    await overHttp({
      path: "/service/notifications",
      headers: { authorization: "Bearer wrong", "x-forwarded-for": "203.0.113.9" },
      body: { events: [] },
    });
    const feed = await readRegistryFeed();
    expect(feed.lastSource).toBe("127.0.0.1");
    expect(feed.lastRejected?.reason).toBe("bad token from 127.0.0.1");
  });
});
