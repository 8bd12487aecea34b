/* eslint-disable @typescript-eslint/no-explicit-any -- the tests edit arbitrary event JSON */
// Conditions on content, each kind both ways: what they decide (conditionsRefusal), and through the
// whole pipeline: an event a condition refuses creates no execution, one it lets through reaches a
// local receiver through the worker.
import { beforeAll, describe, expect, it } from "vitest";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { configSnapshot } from "@/lib/db/config-cache";
import { createPolicy, updatePolicy } from "@/lib/policies/service";
import { conditionsRefusal, conditionsSchema, describeConditions, type Conditions } from "@/lib/shared/conditions";
import type { EventType, HarborEvent } from "@/lib/shared/events";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { useDeliveryWorker } from "../helpers/delivery-worker";
import { makeProject, makeUser } from "../helpers/fixtures";
import { until } from "../helpers/until";

const delivery = useDeliveryWorker("conditions");
let admin: ReturnType<typeof makeUser>;
beforeAll(() => {
  admin = makeUser({ sysadmin: true });
});

/** A SCANNING_COMPLETED sample whose report has this severity and fixable count. */
function scan(severity: string, fixable: number): HarborEvent {
  const e = sampleEvent("SCANNING_COMPLETED");
  const report = Object.values((e.event_data as any).resources[0].scan_overview)[0] as any;
  report.severity = severity;
  report.summary = { total: fixable + 2, fixable, summary: { [severity]: fixable + 2 } };
  return e;
}

function replication(status: string, failed = false): HarborEvent {
  const e = sampleEvent("REPLICATION");
  const r = (e.event_data as any).replication;
  r.job_status = status;
  if (failed) r.failed_artifact = [{ type: "image", status: "Failed", name_tag: "alpine:3.8" }];
  return e;
}

const withOperator = (type: EventType, operator: string) => ({ ...sampleEvent(type), operator });

function withMediaType(mediaType: string): HarborEvent {
  const e = sampleEvent("PUSH_ARTIFACT");
  (e.event_data as any).resources[0].media_type = mediaType;
  return e;
}

const conditions = (c: unknown) => conditionsSchema.parse(c)!;

/** [name, conditions, an event they pass, an event they skip]. */
const CASES: [string, Conditions, HarborEvent, HarborEvent][] = [
  [
    "scan: severity at least High",
    conditions({ scan: { min_severity: "High" } }),
    scan("Critical", 0),
    scan("Medium", 9),
  ],
  ["scan: more than 3 fixable", conditions({ scan: { fixable_over: 3 } }), scan("Low", 4), scan("Critical", 3)],
  [
    "scan: severity or fixable, either lets it through",
    conditions({ scan: { min_severity: "Critical", fixable_over: 10 } }),
    scan("Medium", 11),
    scan("High", 10),
  ],
  [
    "replication: only failed",
    conditions({ replication: { result: "failed" } }),
    replication("Failed"),
    replication("Success"),
  ],
  [
    "replication: only succeeded (failed artifacts count as failed)",
    conditions({ replication: { result: "succeeded" } }),
    replication("Success"),
    replication("Success", true),
  ],
  [
    "operators: exclude robots and the job service",
    conditions({ operators: { mode: "exclude", patterns: ["robot$*", "harbor-jobservice"] } }),
    withOperator("PUSH_ARTIFACT", "alice"),
    withOperator("PUSH_ARTIFACT", "robot$harbor+ci"),
  ],
  [
    "operators: include only admins",
    conditions({ operators: { mode: "include", patterns: ["admin*"] } }),
    withOperator("DELETE_ARTIFACT", "admin"),
    withOperator("DELETE_ARTIFACT", "harbor-jobservice"),
  ],
  [
    "artifacts: exclude signatures and SBOMs",
    conditions({ artifacts: { mode: "exclude", patterns: ["application/vnd.dev.cosign.*", "application/spdx+json"] } }),
    withMediaType("application/vnd.oci.image.manifest.v1+json"),
    withMediaType("application/spdx+json"),
  ],
  [
    "artifacts: include only OCI images",
    conditions({ artifacts: { mode: "include", patterns: ["application/vnd.oci.image.*"] } }),
    withMediaType("application/vnd.oci.image.index.v1+json"),
    withMediaType("application/vnd.cncf.helm.config.v1+json"),
  ],
];

describe("conditionsRefusal", () => {
  it.each(CASES)("%s", (_name, c, passes, skipped) => {
    expect(conditionsRefusal(c, passes)).toBeNull();
    expect(conditionsRefusal(c, skipped)).toMatch(/.{10,}/);
  });

  it("a condition concerns only the events it can judge", () => {
    const c = conditions({
      scan: { min_severity: "Critical" },
      replication: { result: "failed" },
      artifacts: { mode: "include", patterns: ["application/vnd.oci.*"] },
    });
    // A push names no scan, no replication, no type: it passes.
    expect(conditionsRefusal(c, sampleEvent("PUSH_ARTIFACT"))).toBeNull();
    // SCANNING_FAILED is not a finished scan.
    expect(conditionsRefusal(c, sampleEvent("SCANNING_FAILED"))).toBeNull();
    // The registry's own word on the type counts (not in the payload).
    expect(conditionsRefusal(c, sampleEvent("PUSH_ARTIFACT"), { artifactTypes: ["application/spdx+json"] })).toMatch(
      /matches none of the patterns to include/,
    );
  });

  it("reads as one sentence per condition on the policy's page", () => {
    expect(
      describeConditions(
        conditions({
          scan: { min_severity: "High", fixable_over: 5 },
          replication: { result: "failed" },
          operators: { mode: "exclude", patterns: ["robot$*"] },
          artifacts: { mode: "include", patterns: ["application/vnd.oci.*"] },
        }),
      ),
    ).toEqual([
      "Scan finished: severity at least High or more than 5 fixable vulnerabilities",
      "Replication: only failed jobs",
      "Operators: skip robot$*",
      "Artifact types: only application/vnd.oci.*",
    ]);
    expect(describeConditions(null)).toEqual([]);
  });

  it("empty conditions are none; bad ones name the field", () => {
    expect(conditionsSchema.parse({})).toBeNull();
    expect(conditionsSchema.parse({ scan: null, operators: null })).toBeNull();
    const bad = (input: unknown) => conditionsSchema.safeParse(input).error?.issues[0];
    expect(bad({ scan: { min_severity: "Severe" } })?.path).toEqual(["scan", "min_severity"]);
    expect(bad({ scan: {} })?.path).toEqual(["scan"]);
    expect(bad({ scan: { fixable_over: -1 } })?.path).toEqual(["scan", "fixable_over"]);
    expect(bad({ replication: { result: "maybe" } })?.path).toEqual(["replication", "result"]);
    expect(bad({ operators: { mode: "exclude", patterns: ["[a-"] } })?.path).toEqual(["operators", "patterns", 0]);
    expect(bad({ artifacts: { mode: "only", patterns: ["x"] } })?.path).toEqual(["artifacts", "mode"]);
    expect(bad({ artifacts: { mode: "include", patterns: [] } })?.path).toEqual(["artifacts", "patterns"]);
    expect(bad({ severity: "High" })?.code).toBe("unrecognized_keys");
  });
});

describe("conditions at ingest, delivered by the worker", () => {
  it.each(CASES)(
    "%s: the passing event is delivered, the other leaves no execution",
    async (name, c, passes, skipped) => {
      const rx = await delivery.receiver((_q, res) => res.end("ok"));
      const project = await makeProject();
      const input = policyInputSchema.parse({
        name: "conditional",
        event_types: [passes.type, skipped.type],
        targets: [{ type: "http", address: rx.url, payload_format: "Default" }],
        conditions: c,
      });
      const access = await requireProject((await admin).actor, project.id, "webhook.manage");
      const { policy } = await createPolicy(access, input);

      const skippedResult = await ingestEvent({ projectId: project.id, event: skipped, source: "api" });
      expect(skippedResult).toMatchObject({ status: "accepted", deliveries: 0 });
      const passed = await ingestEvent({ projectId: project.id, event: passes, source: "api" });
      expect(passed).toMatchObject({ status: "accepted", deliveries: 1 });

      const db = await getDb();
      await until(async () => (await db.task.count({ where: { policyId: policy.id, status: "Success" } })) === 1);
      expect(rx.requests).toHaveLength(1);
      expect(JSON.parse(rx.requests[0].body)).toEqual(passes);
      const executions = await db.execution.findMany({ where: { policyId: policy.id } });
      expect(
        executions.map((e) => e.eventId),
        name,
      ).toEqual([(passed as { eventId: number }).eventId]);
    },
  );
});

describe("conditions and the configuration kept in memory", () => {
  it("a change of a policy's conditions alone takes effect at the next event", async () => {
    const project = await makeProject();
    const access = await requireProject((await admin).actor, project.id, "webhook.manage");
    const input = (conditions: unknown) =>
      policyInputSchema.parse({
        name: "cached",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: "http://127.0.0.1:9/hook" }],
        conditions,
      });
    const { policy } = await createPolicy(access, input({ operators: { mode: "exclude", patterns: ["robot$*"] } }));
    const robotPush = withOperator("PUSH_ARTIFACT", "robot$ci");
    // Ingest with the snapshot the requests share: the policy's targets are kept in it.
    const ingest = async () =>
      ingestEvent({ projectId: project.id, event: robotPush, source: "api" }, await configSnapshot());
    expect(await ingest()).toMatchObject({ deliveries: 0 });
    // Whoever writes the column alone (the triggers watch it, not the writer).
    await (await getDb()).webhookPolicy.update({ where: { id: policy.id }, data: { conditions: null } });
    expect(await ingest()).toMatchObject({ deliveries: 1 });
    await updatePolicy(access, policy.id, input({ operators: { mode: "include", patterns: ["robot$*"] } }));
    expect(await ingest()).toMatchObject({ deliveries: 1 });
    await updatePolicy(access, policy.id, input({ operators: { mode: "include", patterns: ["alice"] } }));
    expect(await ingest()).toMatchObject({ deliveries: 0 });
  });
});
