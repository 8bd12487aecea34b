// OpenTelemetry tracing through the real pipeline: ingestEvent and the delivery worker in this
// process, spans exported over OTLP/HTTP (the SDK's own exporter, started by startTracing from the
// standard variables) to a collector on loopback, deliveries to a local receiver. One trace per
// event: ingest → deliver per attempt → claim, render, send, record; the receiver's `traceparent`
// names the send span. With tracing off nothing of it is sent or stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { requireProject } from "@/lib/auth/access";
import { env, resetEnvCache } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { startTracing, tracingWanted, type Tracing } from "@/lib/tracing/start";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { useIngestServer } from "../helpers/ingest-server";
import { exportedSpans, SPAN_KIND, STATUS_ERROR, type ExportedSpan } from "../helpers/otlp";
import { startServer, type LocalServer } from "../helpers/receiver";
import { taskOnceStatus } from "../helpers/tasks";
import { until } from "../helpers/until";

const delivery = useDeliveryWorker("tracing");
const ingestServer = useIngestServer();
let admin: Awaited<ReturnType<typeof makeUser>>;
let collector: LocalServer;
let tracing: Tracing;

beforeAll(async () => {
  admin = await makeUser({ sysadmin: true });
  collector = await startServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end("{}"));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${collector.port}`;
  resetEnvCache();
  tracing = await startTracing("worker");
});

afterAll(async () => {
  await tracing.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  resetEnvCache();
  await collector.close();
});

async function policyFor(address: string) {
  const project = await makeProject();
  const input = policyInputSchema.parse({
    name: "traced",
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address, payload_format: "Default" }],
  });
  const { policy, signingSecret } = await createPolicy(
    await requireProject(admin.actor, project.id, "webhook.manage"),
    input,
  );
  return { project, policy, signingSecret };
}

/**
 * The spans of the trace whose ingest span stored `eventId`, once `records` attempts have been
 * recorded (their deliver spans end then); flushes the exporter while waiting.
 */
async function traceOfEvent(eventId: number, records = 1): Promise<ExportedSpan[]> {
  return until(
    async () => {
      await tracing.flush();
      const all = exportedSpans(collector.requests);
      const ingest = all.find((s) => s.name === "ingest" && s.attributes["harbor.event.id"] === eventId);
      if (!ingest) return undefined;
      const trace = all.filter((s) => s.traceId === ingest.traceId);
      return trace.filter((s) => s.name === "deliver").length >= records && trace;
    },
    10_000,
    `the trace of event ${eventId}`,
  );
}

const one = (spans: ExportedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
};
const childrenOf = (spans: ExportedSpan[], parent: ExportedSpan) =>
  spans.filter((s) => s.parentSpanId === parent.spanId);
const storedTraceContext = async (eventId: number) =>
  (await (await getDb()).event.findUniqueOrThrow({ where: { id: eventId } })).traceContext;

describe("tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  it("a delivered event is one trace: ingest → deliver → claim, render, send, record; the receiver's traceparent is the send span", async () => {
    const rx = await delivery.receiver((_req, res) => res.end("ok"));
    // The query stands for a secret in a target's URL: no span may carry it.
    const { project, policy, signingSecret } = await policyFor(`${rx.url}?token=query-secret-0123`);
    const r = await ingestEvent({
      projectId: project.id,
      event: sampleEvent("PUSH_ARTIFACT"),
      source: "api",
      requestId: "req-traced",
    });
    if (r.status !== "accepted") throw new Error("not accepted");
    const task = await taskOnceStatus(policy.id, "Success", "Error");
    expect(task.status).toBe("Success");

    const spans = await traceOfEvent(r.eventId);
    const ingest = one(spans, "ingest");
    expect(ingest.parentSpanId).toBeUndefined();
    expect(ingest.kind).toBe(SPAN_KIND.producer);
    expect(ingest.attributes).toMatchObject({
      "harbor.event.id": r.eventId,
      "harbor.event.type": "PUSH_ARTIFACT",
      "harbor.event.source": "api",
      "harbor.project.id": project.id,
      "harbor.request.id": "req-traced",
      "harbor.event.deliveries": 1,
      "harbor.ingest.outcome": "accepted",
    });
    expect(ingest.resource).toMatchObject({ "service.name": "harbor-notifier", "harbor.role": "worker" });

    const deliver = one(spans, "deliver");
    expect(deliver.parentSpanId).toBe(ingest.spanId);
    expect(deliver.kind).toBe(SPAN_KIND.consumer);
    expect(deliver.attributes).toMatchObject({
      "harbor.event.id": r.eventId,
      "harbor.project.id": project.id,
      "harbor.policy.id": policy.id,
      "harbor.target.id": task.targetId,
      "harbor.task.id": task.id,
      "harbor.delivery.attempt": 1,
      "harbor.delivery.outcome": "success",
      "http.response.status_code": 200,
    });
    expect(deliver.status.code).not.toBe(STATUS_ERROR);

    const children = childrenOf(spans, deliver);
    expect(children.map((s) => s.name).sort()).toEqual(["claim", "record", "render", "send"]);
    expect(spans).toHaveLength(6);
    for (const child of children) {
      expect(child.startNs >= deliver.startNs, `${child.name} starts within deliver`).toBe(true);
      expect(child.endNs <= deliver.endNs, `${child.name} ends within deliver`).toBe(true);
    }
    expect(one(spans, "claim").attributes["harbor.claim.tasks"]).toBeGreaterThanOrEqual(1);
    expect(one(spans, "render").attributes["harbor.payload.format"]).toBe("Default");
    expect(one(spans, "record").attributes["harbor.record.batch"]).toBeGreaterThanOrEqual(1);
    const send = one(spans, "send");
    expect(send.kind).toBe(SPAN_KIND.client);
    expect(send.attributes).toMatchObject({
      "http.request.method": "POST",
      "url.full": rx.url,
      "server.address": `127.0.0.1:${rx.port}`,
      "http.response.status_code": 200,
    });
    expect(collector.requests.map((q) => q.body).join("\n")).not.toContain("query-secret-0123");

    // The event keeps its ingest span's context; the receiver sees the send span as its parent.
    expect(await storedTraceContext(r.eventId)).toBe(`00-${ingest.traceId}-${ingest.spanId}-01`);
    expect(rx.requests).toHaveLength(1);
    const [req] = rx.requests;
    expect(req.headers.traceparent).toBe(`00-${ingest.traceId}-${send.spanId}-01`);
    // Headers are not signed: the Standard Webhooks signature still verifies.
    expect(() => new Webhook(signingSecret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
    const recorded = JSON.parse(task.attempts[0].requestHeaders) as Record<string, string>;
    expect(recorded.traceparent).toBe(req.headers.traceparent);
  });

  it("a failed attempt and its retry are two deliver spans of the event's trace, the failure marked ERROR", async () => {
    let calls = 0;
    const rx = await delivery.receiver((_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 500 : 200).end(calls === 1 ? "down" : "ok");
    });
    const { project, policy } = await policyFor(rx.url);
    const r = await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    if (r.status !== "accepted") throw new Error("not accepted");
    expect((await taskOnceStatus(policy.id, "Success", "Error")).status).toBe("Success");

    const spans = await traceOfEvent(r.eventId, 2);
    const ingest = one(spans, "ingest");
    const delivers = spans
      .filter((s) => s.name === "deliver")
      .sort(
        (a, b) => Number(a.attributes["harbor.delivery.attempt"]) - Number(b.attributes["harbor.delivery.attempt"]),
      );
    expect(delivers.map((d) => d.attributes["harbor.delivery.attempt"])).toEqual([1, 2]);
    expect(delivers.every((d) => d.parentSpanId === ingest.spanId)).toBe(true);
    const [failed, succeeded] = delivers;
    expect(failed.status.code).toBe(STATUS_ERROR);
    expect(failed.attributes).toMatchObject({ "harbor.delivery.outcome": "retry", "http.response.status_code": 500 });
    expect(succeeded.status.code).not.toBe(STATUS_ERROR);
    expect(succeeded.attributes["harbor.delivery.outcome"]).toBe("success");

    const sendOf = (d: ExportedSpan) => childrenOf(spans, d).find((s) => s.name === "send")!;
    expect(sendOf(failed).status.code).toBe(STATUS_ERROR);
    expect(sendOf(failed).attributes).toMatchObject({ "http.response.status_code": 500, "error.type": "500" });
    // Each request names its own attempt's send span; the webhook-id stays the same across them.
    expect(rx.requests.map((q) => q.headers.traceparent)).toEqual(
      delivers.map((d) => `00-${ingest.traceId}-${sendOf(d).spanId}-01`),
    );
    expect(new Set(rx.requests.map((q) => q.headers["webhook-id"])).size).toBe(1);
  });

  it("POST /v1/events with a traceparent: the event's trace continues the caller's", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    const res = await fetch(`${ingestServer.base()}/v1/events`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
      },
      body: JSON.stringify(sampleEvent("PUSH_ARTIFACT")),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };

    const ingest = await until(async () => {
      await tracing.flush();
      return exportedSpans(collector.requests).find(
        (s) => s.name === "ingest" && s.attributes["harbor.event.id"] === id,
      );
    });
    expect(ingest.traceId).toBe(callerTrace);
    expect(ingest.parentSpanId).toBe(callerSpan);
    expect(await storedTraceContext(id)).toBe(`00-${callerTrace}-${ingest.spanId}-01`);
  });
});

describe("tracing off", () => {
  beforeAll(async () => {
    await tracing.shutdown();
  });

  it("sends no traceparent, stores no trace context and exports nothing", async () => {
    const exportsBefore = collector.requests.length;
    const rx = await delivery.receiver((_req, res) => res.end("ok"));
    const { project, policy } = await policyFor(rx.url);
    const r = await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    if (r.status !== "accepted") throw new Error("not accepted");
    const task = await taskOnceStatus(policy.id, "Success", "Error");
    expect(task.status).toBe("Success");

    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].headers).not.toHaveProperty("traceparent");
    expect(JSON.parse(task.attempts[0].requestHeaders)).not.toHaveProperty("traceparent");
    expect(await storedTraceContext(r.eventId)).toBeNull();
    expect(collector.requests.length).toBe(exportsBefore);
  });
});

describe("when tracing starts (the standard OTEL_* variables)", () => {
  const cases: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector:4318/v1/traces" }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "TRUE" }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "false" }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "" }, false],
  ];
  const NAMES = [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_EXPORTER",
  ];
  function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
    const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
    for (const n of NAMES) delete process.env[n];
    Object.assign(process.env, vars);
    resetEnvCache();
    try {
      return fn();
    } finally {
      for (const n of NAMES) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      resetEnvCache();
    }
  }

  it.each(cases)("%j → on: %s", (vars, on) => {
    expect(withEnv(vars, () => tracingWanted(env()))).toBe(on);
  });

  it("an endpoint that is not an http(s) URL stops the process with the variable named", () => {
    expect(() => withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, () => env())).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL/,
    );
  });
});
