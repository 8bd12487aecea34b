// Events in, payloads out, over real HTTP against the built app and its worker: every event type
// posted through /v1/events, and a registry envelope through /service/notifications, reach a local
// receiver as the spec's Default and CloudEvents bodies, signed per Standard Webhooks.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext } from "@playwright/test";
import { HTTP, type CloudEvent } from "cloudevents";
import { Webhook } from "standardwebhooks";
import { CLOUDEVENT_TYPES, EVENT_TYPES, type EventType } from "../lib/shared/events";
import { sampleEvent } from "../lib/events/samples";
import { E2E_BASE_URL, REGISTRY_NOTIFICATION_TOKEN } from "./env";
import { settledExecutions } from "./executions";
import { expect, test, uniqueName } from "./fixtures";

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };

/** A receiver on 127.0.0.1 (allow-listed for the e2e server) that records every request. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    received,
    /** Waits (bounded) until `n` requests arrived on `path`. */
    async waitFor(path: string, n: number, timeoutMs = 30_000): Promise<Received[]> {
      await expect
        .poll(() => received.filter((r) => r.path === path).length, { timeout: timeoutMs })
        .toBeGreaterThanOrEqual(n);
      return received.filter((r) => r.path === path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const headerValues = (h: http.IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));

/** Standard Webhooks verification with the public library, as a receiver would do it. */
function verifySignature(secret: string, r: Received) {
  expect(r.headers["webhook-id"]).toMatch(/^msg_/);
  expect(r.headers["webhook-timestamp"]).toMatch(/^\d+$/);
  expect(r.headers["webhook-signature"]).toMatch(/^v1,/);
  expect(() => new Webhook(secret).verify(r.body, headerValues(r.headers))).not.toThrow();
  expect(() => new Webhook(secret).verify(r.body + " ", headerValues(r.headers))).toThrow();
}

/** A project, a test-mode API key and two policies (Default and CloudEvents) on all ten types, through the Harbor API. */
async function setUp(adminRequest: APIRequestContext, receiverUrl: (p: string) => string) {
  const name = uniqueName("events");
  const p = await adminRequest.post("/api/v2.0/projects", {
    data: { project_name: name, metadata: { public: "false" } },
  });
  expect(p.status()).toBe(201);
  const projectId = Number(p.headers()["location"].split("/").pop());
  const api = `/api/v2.0/projects/${name}`;
  const k = await adminRequest.post(`${api}/api-keys`, { data: { mode: "test", name: "events-e2e" } });
  expect(k.status()).toBe(201);
  const key = (await k.json()).key as string;
  const policy = async (policyName: string, format: "Default" | "CloudEvents", path: string) => {
    const r = await adminRequest.post(`${api}/webhook/policies`, {
      data: {
        name: policyName,
        event_types: [...EVENT_TYPES],
        targets: [{ type: "http", address: receiverUrl(path), payload_format: format, skip_cert_verify: false }],
        enabled: true,
      },
    });
    expect(r.status(), await r.text()).toBe(201);
    const body = (await r.json()) as { id: number; signing_secret: string };
    return { id: body.id, secret: body.signing_secret };
  };
  const def = await policy("default-all", "Default", "/default");
  const ce = await policy("cloudevents-all", "CloudEvents", "/ce");
  return { name, projectId, key, def, ce };
}

test("each event type posted to /v1/events arrives as Default and CloudEvents, signed", async ({
  adminRequest,
  playwright,
}) => {
  const rx = await startReceiver();
  const api = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    const { name, projectId, key, def, ce } = await setUp(adminRequest, rx.url);
    const posted = new Map<EventType, ReturnType<typeof sampleEvent>>();

    await test.step("post every type; each answers 202 with its deliveries", async () => {
      for (const [i, type] of EVENT_TYPES.entries()) {
        const event = { ...sampleEvent(type), occur_at: 1_700_000_000 + i, operator: `e2e-operator-${i}` };
        posted.set(type, event);
        const r = await api.post("/v1/events", {
          data: event,
          headers: { Authorization: `Bearer ${key}`, "X-Request-Id": `e2e-${type}` },
        });
        expect(r.status(), await r.text()).toBe(202);
        expect(await r.json()).toEqual({ id: expect.any(Number), deliveries: 2 });
        expect(r.headers()["x-request-id"]).toBe(`e2e-${type}`);
      }
    });

    await test.step("the Default receiver gets exactly {type, occur_at, operator, event_data} as posted", async () => {
      const got = await rx.waitFor("/default", EVENT_TYPES.length);
      expect(got).toHaveLength(EVENT_TYPES.length);
      for (const type of EVENT_TYPES) {
        const r = got.find((x) => JSON.parse(x.body).type === type);
        expect(r, type).toBeDefined();
        expect(r!.body).toBe(JSON.stringify(posted.get(type)));
        expect(r!.headers["content-type"]).toBe("application/json");
        verifySignature(def.secret, r!);
      }
    });

    await test.step("the CloudEvents receiver gets harbor.* events whose data is the event_data", async () => {
      const got = await rx.waitFor("/ce", EVENT_TYPES.length);
      expect(got).toHaveLength(EVENT_TYPES.length);
      for (const type of EVENT_TYPES) {
        const r = got.find((x) => JSON.parse(x.body).type === CLOUDEVENT_TYPES[type]);
        expect(r, type).toBeDefined();
        expect(r!.headers["content-type"]).toBe("application/cloudevents+json");
        const parsed = HTTP.toEvent({ headers: headerValues(r!.headers), body: r!.body }) as CloudEvent<unknown>;
        expect(parsed.validate()).toBe(true);
        const sent = posted.get(type)!;
        expect(parsed.type).toBe(CLOUDEVENT_TYPES[type]);
        expect(parsed.source).toBe(`/projects/${projectId}/webhook/policies/${ce.id}`);
        expect(parsed.datacontenttype).toBe("application/json");
        expect(parsed.data).toEqual(sent.event_data);
        expect(new Date(parsed.time!).getTime()).toBe(sent.occur_at * 1000);
        expect(parsed["requestid"]).toBe(`e2e-${type}`);
        expect(parsed["operator"]).toBe(sent.operator);
        verifySignature(ce.secret, r!);
      }
    });

    await test.step("the same Idempotency-Key twice delivers once", async () => {
      const before = rx.received.length;
      const event = { ...sampleEvent("PUSH_ARTIFACT"), occur_at: 1_700_000_999 };
      const headers = { Authorization: `Bearer ${key}`, "Idempotency-Key": "e2e-idem-1" };
      const first = await (await api.post("/v1/events", { data: event, headers })).json();
      const second = await (await api.post("/v1/events", { data: event, headers })).json();
      expect(second).toEqual({ ...first, duplicate: true });
      await expect.poll(() => rx.received.length - before, { timeout: 20_000 }).toBe(2);
      // One fan-out, as stored: one execution per policy for this event, and every execution of
      // both policies finished, so these two requests are all there will be.
      for (const policy of [def, ce]) {
        const executions = await settledExecutions(adminRequest, name, policy.id);
        const ofEvent = executions.filter((e) => JSON.parse(e.extra_attrs.payload).occur_at === event.occur_at);
        expect(ofEvent).toHaveLength(1);
      }
      expect(rx.received.length - before).toBe(2);
    });
  } finally {
    await api.dispose();
    await rx.close();
  }
});

test("a registry push through /service/notifications arrives as PUSH_ARTIFACT with its repository and resources", async ({
  adminRequest,
  playwright,
}) => {
  const rx = await startReceiver();
  const registry = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    const { name, projectId, def, ce } = await setUp(adminRequest, rx.url);
    const digest = "sha256:" + "c0ffee".repeat(10) + "abcd";
    const envelope = {
      events: [
        // A layer upload (ignored), then the manifest push (the artifact event).
        {
          id: "e2e-blob-1",
          timestamp: "2024-05-01T10:00:00.000000001Z",
          action: "push",
          target: {
            mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
            size: 100,
            digest: "sha256:" + "1".repeat(64),
            repository: `${name}/app`,
            url: "http://registry.local:5000/v2/x",
          },
          request: { id: "e2e-reg-req", method: "PUT", host: "registry.local:5000" },
          actor: { name: "ci-bot" },
        },
        {
          id: "e2e-manifest-1",
          timestamp: "2024-05-01T10:00:01.5Z",
          action: "push",
          target: {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            size: 500,
            digest,
            repository: `${name}/app`,
            url: `http://registry.local:5000/v2/${name}/app/manifests/${digest}`,
            tag: "1.0",
          },
          request: { id: "e2e-reg-req", method: "PUT", host: "registry.local:5000" },
          actor: { name: "ci-bot" },
        },
      ],
    };
    const post = () =>
      registry.post("/service/notifications", {
        data: JSON.stringify(envelope),
        headers: {
          Authorization: `Bearer ${REGISTRY_NOTIFICATION_TOKEN}`,
          "Content-Type": "application/vnd.docker.distribution.events.v1+json",
        },
      });

    const refused = await registry.post("/service/notifications", {
      data: envelope,
      headers: { Authorization: "Bearer wrong" },
    });
    expect(refused.status()).toBe(401);

    const r = await post();
    expect(r.status(), await r.text()).toBe(202);
    const result = await r.json();
    expect(result).toMatchObject({
      accepted: 1,
      duplicates: 0,
      deliveries: 2,
      ignored: [{ id: "e2e-blob-1", code: "not_applicable" }],
    });
    // The registry retries an envelope until it sees a 2xx: a re-post delivers nothing new.
    expect(await (await post()).json()).toMatchObject({ accepted: 0, duplicates: 1, deliveries: 0 });

    const [body] = await rx.waitFor("/default", 1);
    expect(JSON.parse(body.body)).toEqual({
      type: "PUSH_ARTIFACT",
      occur_at: Date.UTC(2024, 4, 1, 10, 0, 1) / 1000,
      operator: "ci-bot",
      event_data: {
        resources: [{ digest, tag: "1.0", resource_url: `registry.local:5000/${name}/app:1.0` }],
        repository: { name: "app", namespace: name, repo_full_name: `${name}/app`, repo_type: "private" },
      },
    });
    verifySignature(def.secret, body);

    const [cloud] = await rx.waitFor("/ce", 1);
    const parsed = HTTP.toEvent({ headers: headerValues(cloud.headers), body: cloud.body }) as CloudEvent<{
      repository: { repo_full_name: string };
    }>;
    expect(parsed.type).toBe("harbor.artifact.pushed");
    expect(parsed.source).toBe(`/projects/${projectId}/webhook/policies/${ce.id}`);
    expect(parsed["requestid"]).toBe("e2e-reg-req");
    expect(parsed.data?.repository.repo_full_name).toBe(`${name}/app`);
    verifySignature(ce.secret, cloud);

    // As stored: the push is the only execution of each policy (the blob upload fanned out to
    // nothing, the re-post to nothing new) and it has finished, so these two requests are all.
    for (const policy of [def, ce]) {
      const executions = await settledExecutions(adminRequest, name, policy.id);
      expect(executions.map((e) => e.extra_attrs.event_type)).toEqual(["PUSH_ARTIFACT"]);
    }
    expect(rx.received).toHaveLength(2);
  } finally {
    await registry.dispose();
    await rx.close();
  }
});
