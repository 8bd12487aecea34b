import { generateApiKey } from "../../lib/auth/api-keys";
import { getDb } from "../../lib/db/client";
import { sampleEvent } from "../../lib/events/samples";
import { createPolicy } from "../../lib/policies/service";
import { requireProject } from "../../lib/auth/access";
import { policyInputSchema } from "../../lib/shared/policy-input";
import { startApp } from "./app";
import { dbLabel, freshDatabase, type DbKind } from "./harness";
import { loadFor } from "./load";
import { ADMIN, type Row } from "./scenarios";

/**
 * `POST /v1/events` against the built app (the web server `npm start` runs, no worker): events accepted per second
 * with the event and its delivery committed before the 202, vs the same route with
 * `?validate_only=true` (authentication, validation, 202, no write). `concurrency` clients send
 * back to back for `seconds` each, after a short warm-up.
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

    const app = await startApp({ cpuProfileDir: opts.cpuProfileDir });
    try {
      const url = `${app.base}/v1/events`;
      const load = (query: string, ms: number) =>
        loadFor({
          url: url + query,
          headers: { authorization: `Bearer ${k.key}`, "content-type": "application/json" },
          body: JSON.stringify(sampleEvent("PUSH_ARTIFACT")),
          concurrency: opts.concurrency,
          durationMs: ms,
          okStatus: 202,
        });
      await load("?validate_only=true", 2_000);
      const warm = await load("", 2_000);
      const dry = await load("?validate_only=true", opts.seconds * 1000);
      const wet = await load("", opts.seconds * 1000);
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
      if (stored !== warm.ok + wet.ok)
        throw new Error(`ingest: ${warm.ok + wet.ok} events were accepted but ${stored} stored`);
      const failures = (r: typeof wet) => r.requests - r.ok;
      if (failures(dry) || failures(wet) || failures(healthz) || failures(readyz))
        throw new Error(
          `ingest: requests not answered 202: ${JSON.stringify({ validateOnly: dry.statuses, write: wet.statuses, healthz: healthz.statuses, readyz: readyz.statuses, errors: dry.errors + wet.errors })}`,
        );
      const ratio = wet.perSec / dry.perSec;
      return [
        {
          figure: `Ingest, ${dbLabel(kind)}: POST /v1/events accepted/s, event + delivery committed (${opts.concurrency} clients, ${opts.seconds} s; ${wet.ok.toLocaleString("en")} stored)`,
          value: `${wet.perSec.toFixed(0)}/s (p50 ${wet.p50.toFixed(1)} ms, p99 ${wet.p99.toFixed(1)} ms; ${(ratio * 100).toFixed(0)}% of no-write)`,
          baseline: `${dry.perSec.toFixed(0)}/s with validate_only (p50 ${dry.p50.toFixed(1)} ms)`,
          target: "",
          pass: null,
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
