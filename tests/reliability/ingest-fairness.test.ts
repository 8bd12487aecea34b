// One large registry envelope must not hold every other tenant's reads. On SQLite the driver is
// synchronous: without a yield between events, the whole envelope ran as one chain of microtasks
// and nothing else (no timer, no other request) ran until it was done (~20 s for 2,000 events into
// 20 policies). Another tenant reads on a timer while the envelope is ingested; each read must
// come within a second. Envelopes beyond the cap are refused before anything is written.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import * as notifications from "@/app/service/notifications/route";
import * as destinations from "@/app/v1/destinations/route";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { MAX_ENVELOPE_EVENTS, REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";
import { createPolicy } from "@/lib/policies/service";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { useEnv } from "../helpers/env";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";
import { recordFigure } from "./figures";

const TOKEN = "registry-fairness-token-0123456789";
const POLICIES = 20;
const admin = makeUser({ sysadmin: true });

useEnv("REGISTRY_NOTIFICATION_TOKEN", TOKEN);

function envelope(project: string, n: number) {
  return {
    events: Array.from({ length: n }, (_, i) => {
      const digest = `sha256:${crypto.randomBytes(32).toString("hex")}`;
      return {
        id: crypto.randomUUID(),
        timestamp: "2024-05-01T10:00:00Z",
        action: "push",
        target: {
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          digest,
          repository: `${project}/app`,
          tag: `t${i}`,
        },
        request: { id: crypto.randomUUID(), method: "PUT" },
      };
    }),
  };
}

const notify = (body: unknown) =>
  call(notifications.POST, {
    path: "/service/notifications",
    body,
    auth: `Bearer ${TOKEN}`,
    headers: { "content-type": REGISTRY_ENVELOPE_MEDIA_TYPE },
  });

describe("a large registry envelope and other tenants' reads", () => {
  it(`${MAX_ENVELOPE_EVENTS} events into ${POLICIES} policies: another tenant's reads answer within a second meanwhile`, async () => {
    const project = await makeProject();
    const access = await requireProject((await admin).actor, project.id, "webhook.manage");
    for (let i = 0; i < POLICIES; i++) {
      await createPolicy(
        access,
        policyInputSchema.parse({
          name: `fan-${i}`,
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: DEAD_URL }],
        }),
      );
    }
    const other = await makeProject();
    const { key } = await makeApiKey(other.id);

    const started = Date.now();
    let done = false;
    const posting = notify(envelope(project.name, MAX_ENVELOPE_EVENTS)).finally(() => (done = true));
    // Reads on a timer, as requests arrive: the latency counts from when the timer was due.
    const latencies: number[] = [];
    while (!done) {
      const due = Date.now() + 50;
      await new Promise((r) => setTimeout(r, 50));
      const res = await call(destinations.GET, { path: "/v1/destinations", key });
      expect(res.status).toBe(200);
      if (!done) latencies.push(Date.now() - due);
    }
    const res = await posting;
    const ingestMs = Date.now() - started;
    expect(res.status).toBe(202);
    expect((res.json as { accepted: number; deliveries: number }).accepted).toBe(MAX_ENVELOPE_EVENTS);
    expect((res.json as { deliveries: number }).deliveries).toBe(MAX_ENVELOPE_EVENTS * POLICIES);
    const worst = Math.max(...latencies);
    const figures = {
      events: MAX_ENVELOPE_EVENTS,
      deliveries: MAX_ENVELOPE_EVENTS * POLICIES,
      ingestMs,
      reads: latencies.length,
      worstReadMs: worst,
    };
    console.log(`ingest-fairness: ${JSON.stringify(figures)}`);
    recordFigure("ingest-fairness", figures);
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(worst).toBeLessThan(1000);
  }, 300_000);

  it(`an envelope of more than ${MAX_ENVELOPE_EVENTS} events answers 413 naming the cap; nothing is written`, async () => {
    const project = await makeProject();
    const res = await notify(envelope(project.name, MAX_ENVELOPE_EVENTS + 1));
    expectV1Error(res, 413, "payload_too_large", "events");
    expect((res.json as { error: { message: string } }).error.message).toContain("at most 1,000 events");
    expect(await (await getDb()).event.count({ where: { projectId: project.id } })).toBe(0);
  });
});
