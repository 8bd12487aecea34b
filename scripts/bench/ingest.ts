import crypto from "node:crypto";
import { generateApiKey } from "../../lib/auth/api-keys";
import { getDb } from "../../lib/db/client";
import { sampleEvent } from "../../lib/events/samples";
import { createPolicy } from "../../lib/policies/service";
import { requireProject } from "../../lib/auth/access";
import { policyInputSchema } from "../../lib/shared/policy-input";
import { startApp } from "./app";
import { dbLabel, freshDatabase, type DbKind } from "./harness";
import { loadFor, type LoadResult } from "./load";
import { startReceiverProcess } from "./receiver";
import { ADMIN, type Row } from "./scenarios";

/** Events per registry envelope in the envelope row. */
export const ENVELOPE_EVENTS = 50;
const REGISTRY_TOKEN = "bench-registry-token-0123456789abcdef";

/** A Distribution envelope of `n` manifest pushes into `project`, each with a new event id. */
export function registryEnvelope(project: string, n: number): string {
  const events = Array.from({ length: n }, (_, i) => ({
    id: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    action: "push",
    target: {
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      digest: `sha256:${crypto.randomBytes(32).toString("hex")}`,
      repository: `${project}/app`,
      tag: `t${i}`,
    },
    request: { id: crypto.randomUUID(), method: "PUT" },
  }));
  return JSON.stringify({ events });
}

/**
 * `POST /v1/events` against the built app (the web server `npm start` runs, no worker): events accepted per second
 * with the event and its delivery committed before the 202, beside raw undici POSTs of the same
 * body to a bare Node receiver (a process of its own, answering 200 at once) from the same run, and
 * the same route with `?validate_only=true` (authentication, validation, 202, no write). Then
 * registry envelopes of ENVELOPE_EVENTS events to `POST /service/notifications`, in events per
 * second. `concurrency` clients send back to back for `seconds` each, after a short warm-up.
 */
export async function ingest(
  kind: DbKind,
  opts: { seconds: number; concurrency: number; cpuProfileDir?: string },
): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  try {
    const db = await getDb();
    const project = await db.project.create({ data: { name: `ingest-${Date.now()}` } });
    const k = generateApiKey("live");
    await db.apiKey.create({
      data: { projectId: project.id, mode: "live", prefix: k.prefix, hash: k.hash, name: "bench" },
    });
    // One matching policy: each event is one Event, one Execution and one Task row. No worker runs.
    await createPolicy(
      await requireProject(ADMIN, project.id, "webhook.manage"),
      policyInputSchema.parse({
        name: "sink",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: "http://127.0.0.1:9/hook" }],
      }),
    );

    const body = JSON.stringify(sampleEvent("PUSH_ARTIFACT"));
    const seconds = opts.seconds * 1000;
    // The bare receiver first, alone: what 16 clients of this process get from Node with no app behind.
    const rx = await startReceiverProcess();
    let raw: LoadResult;
    try {
      const post = (ms: number) =>
        loadFor({
          url: `${rx.base}/hook`,
          headers: { "content-type": "application/json" },
          body,
          concurrency: opts.concurrency,
          durationMs: ms,
          okStatus: 200,
        });
      await post(1_000);
      raw = await post(seconds);
    } finally {
      await rx.close();
    }

    process.env.REGISTRY_NOTIFICATION_TOKEN = REGISTRY_TOKEN;
    const app = await startApp({ cpuProfileDir: opts.cpuProfileDir });
    try {
      const url = `${app.base}/v1/events`;
      const load = (query: string, ms: number) =>
        loadFor({
          url: url + query,
          headers: { authorization: `Bearer ${k.key}`, "content-type": "application/json" },
          body,
          concurrency: opts.concurrency,
          durationMs: ms,
          okStatus: 202,
        });
      const envelopes = (ms: number) =>
        loadFor({
          url: `${app.base}/service/notifications`,
          headers: {
            authorization: `Bearer ${REGISTRY_TOKEN}`,
            "content-type": "application/vnd.docker.distribution.events.v1+json",
          },
          body: () => registryEnvelope(project.name, ENVELOPE_EVENTS),
          concurrency: opts.concurrency,
          durationMs: ms,
          okStatus: 202,
        });
      await load("?validate_only=true", 2_000);
      const warm = await load("", 2_000);
      const dry = await load("?validate_only=true", seconds);
      const wet = await load("", seconds);
      const warmEnvelopes = await envelopes(1_000);
      const env = await envelopes(seconds);
      // The health endpoints, served by the web server before Next: what the request path costs with
      // no framework in it (/healthz, no database) and with one indexed read (/readyz).
      const probe = (path: string) =>
        loadFor({
          url: app.base + path,
          method: "GET",
          headers: {},
          concurrency: opts.concurrency,
          durationMs: 2_000,
          okStatus: 200,
        });
      const healthz = await probe("/healthz");
      const readyz = await probe("/readyz");
      const stored = await db.event.count({ where: { projectId: project.id } });
      const expected = warm.ok + wet.ok + (warmEnvelopes.ok + env.ok) * ENVELOPE_EVENTS;
      if (stored !== expected) throw new Error(`ingest: ${expected} events were accepted but ${stored} stored`);
      const failures = (r: LoadResult) => r.requests - r.ok;
      if (failures(raw) || failures(dry) || failures(wet) || failures(env) || failures(healthz) || failures(readyz))
        throw new Error(
          `ingest: requests not answered as expected: ${JSON.stringify({ raw: raw.statuses, validateOnly: dry.statuses, write: wet.statuses, envelopes: env.statuses, healthz: healthz.statuses, readyz: readyz.statuses, errors: raw.errors + dry.errors + wet.errors + env.errors })}`,
        );
      const ratio = wet.perSec / raw.perSec;
      const envelopeEvents = env.perSec * ENVELOPE_EVENTS;
      const envelopeRatio = envelopeEvents / wet.perSec;
      return [
        {
          figure: `Ingest, ${dbLabel(kind)}: POST /v1/events accepted/s, event + execution + task committed before the 202 (${opts.concurrency} clients, ${opts.seconds} s; ${wet.ok.toLocaleString("en")} stored) ÷ raw undici POSTs/s of the same body to a bare Node receiver (${opts.concurrency} clients, same run)`,
          value: `${wet.perSec.toFixed(0)}/s (p50 ${wet.p50.toFixed(1)} ms, p99 ${wet.p99.toFixed(1)} ms) = ${ratio.toFixed(2)}× raw; validate_only ${dry.perSec.toFixed(0)}/s (p50 ${dry.p50.toFixed(1)} ms)`,
          baseline: `raw ${raw.perSec.toFixed(0)}/s (p50 ${raw.p50.toFixed(1)} ms)`,
          target: "≥ 0.5× raw",
          pass: ratio >= 0.5,
        },
        {
          figure: `Registry envelopes, ${dbLabel(kind)}: events/s through POST /service/notifications with ${ENVELOPE_EVENTS} events per envelope (${opts.concurrency} clients, ${opts.seconds} s; ${(env.ok * ENVELOPE_EVENTS).toLocaleString("en")} stored) ÷ single-event POST /v1/events accepted/s above`,
          value: `${envelopeEvents.toFixed(0)} events/s (${env.perSec.toFixed(0)} envelopes/s, p50 ${env.p50.toFixed(1)} ms, p99 ${env.p99.toFixed(1)} ms) = ${envelopeRatio.toFixed(1)}× single`,
          baseline: `single-event ${wet.perSec.toFixed(0)}/s`,
          target: "≥ 5×",
          pass: envelopeRatio >= 5,
        },
        {
          figure: `Health endpoints, ${dbLabel(kind)}: GET /healthz and GET /readyz answered/s (${opts.concurrency} clients, 2 s each, beside the ingest above)`,
          value: `/healthz ${healthz.perSec.toFixed(0)}/s (p50 ${healthz.p50.toFixed(1)} ms), /readyz ${readyz.perSec.toFixed(0)}/s (p50 ${readyz.p50.toFixed(1)} ms)`,
          baseline: `ingest ${wet.perSec.toFixed(0)}/s`,
          target: "",
          pass: null,
        },
      ];
    } finally {
      await app.stop();
    }
  } finally {
    await cleanup();
  }
}
