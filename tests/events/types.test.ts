import { describe, expect, it } from "vitest";
import { CLOUDEVENT_TYPES, EVENT_LABELS, EVENT_TYPES } from "@/lib/shared/events";
import { harborEventInputSchema, normalizeEvent, parseHarborEvent } from "@/lib/events/types";
import { sampleEvent } from "@/lib/events/samples";

const NOW = new Date("2024-05-06T07:08:09.999Z");
const NOW_SECONDS = 1714979289;

function pushBody(): Record<string, unknown> {
  const { type, occur_at, operator, event_data } = sampleEvent("PUSH_ARTIFACT");
  return { type, occur_at, operator, event_data };
}

function expectFailure(json: unknown, field: string): string {
  const result = parseHarborEvent(json, NOW);
  if (result.ok) throw new Error(`expected a failure on ${field}`);
  expect(result.field).toBe(field);
  expect(result.message).toBeTruthy();
  return result.message;
}

describe("event type tables", () => {
  it("cover Harbor's ten types and the tag and project events", () => {
    expect(EVENT_TYPES).toHaveLength(14);
    for (const type of EVENT_TYPES) {
      expect(EVENT_LABELS[type]).toBeTruthy();
      expect(CLOUDEVENT_TYPES[type]).toMatch(/^harbor\./);
    }
    expect(EVENT_LABELS.SCANNING_COMPLETED).toBe("Scanning finished");
    expect(CLOUDEVENT_TYPES.QUOTA_WARNING).toBe("harbor.quota.warned");
    expect(CLOUDEVENT_TYPES.TAG_CREATED).toBe("harbor.tag.created");
    expect(CLOUDEVENT_TYPES.TAG_DELETED).toBe("harbor.tag.deleted");
    expect(CLOUDEVENT_TYPES.PROJECT_CREATED).toBe("harbor.project.created");
    expect(CLOUDEVENT_TYPES.PROJECT_DELETED).toBe("harbor.project.deleted");
  });
});

describe("parseHarborEvent", () => {
  it("accepts a full event unchanged, key order included", () => {
    const body = pushBody();
    const result = parseHarborEvent(body, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toEqual(body);
    expect(JSON.stringify(result.event)).toBe(JSON.stringify(body));
  });

  it("keeps unknown keys in event_data where they were", () => {
    const body = pushBody();
    const data = body.event_data as Record<string, unknown>;
    body.event_data = { extra_first: { a: 1 }, ...data, sbom_overview: null };
    (data.resources as Array<Record<string, unknown>>)[0]!.size = 42;
    const result = parseHarborEvent(body, NOW);
    if (!result.ok) throw new Error(result.message);
    expect(JSON.stringify(result.event.event_data)).toBe(JSON.stringify(body.event_data));
  });

  it("defaults occur_at to now (unix seconds) and operator to an empty string", () => {
    const { event_data } = pushBody();
    const result = parseHarborEvent({ type: "PUSH_ARTIFACT", event_data }, NOW);
    if (!result.ok) throw new Error(result.message);
    expect(result.event.occur_at).toBe(NOW_SECONDS);
    expect(result.event.operator).toBe("");
  });

  it("rejects an unknown type on field type", () => {
    expectFailure({ ...pushBody(), type: "PUSH_IMAGE" }, "type");
  });

  it("rejects a missing type on field type", () => {
    const { type: _type, ...rest } = pushBody();
    expectFailure(rest, "type");
  });

  it("rejects a missing event_data", () => {
    expectFailure({ type: "PUSH_ARTIFACT", occur_at: 1 }, "event_data");
  });

  it("rejects a body that is not an object", () => {
    expectFailure("PUSH_ARTIFACT", "(root)");
    expectFailure(null, "(root)");
  });

  it.each([
    ["string occur_at", { occur_at: "1680501893" }, "occur_at"],
    ["fractional occur_at", { occur_at: 1.5 }, "occur_at"],
    ["negative occur_at", { occur_at: -1 }, "occur_at"],
    ["millisecond occur_at", { occur_at: 1680501893000 }, "occur_at"],
    ["numeric operator", { operator: 7 }, "operator"],
    ["array event_data", { event_data: [] }, "event_data"],
  ])("rejects %s", (_name, patch, field) => {
    expectFailure({ ...pushBody(), ...patch }, field);
  });

  it("names the nested field of a wrong event_data", () => {
    const body = pushBody();
    const data = body.event_data as { resources: Array<Record<string, unknown>> };
    data.resources[0]!.digest = 123;
    expectFailure(body, "event_data.resources.0.digest");
  });

  it("validates event_data per type", () => {
    // A push needs resources; a replication event needs replication, not resources.
    expectFailure({ type: "PUSH_ARTIFACT", event_data: { replication: {} } }, "event_data.resources");
    expectFailure({ ...pushBody(), type: "REPLICATION" }, "event_data.replication");
    const quota = sampleEvent("QUOTA_EXCEED");
    delete (quota.event_data as Record<string, unknown>).custom_attributes;
    expectFailure(quota, "event_data.custom_attributes");
  });

  it("accepts fields the spec omits for a type as optional", () => {
    const scan = sampleEvent("SCANNING_COMPLETED");
    const resource = (scan.event_data.resources as Array<Record<string, unknown>>)[0]!;
    resource.tag = "3.8"; // scans of a tag carry it
    expect(parseHarborEvent(scan).ok).toBe(true);
    const push = pushBody();
    delete (push.event_data as { repository: Record<string, unknown> }).repository.date_created;
    expect(parseHarborEvent(push).ok).toBe(true);
  });
});

describe("normalizeEvent", () => {
  it("keeps given values", () => {
    const input = harborEventInputSchema.parse({ ...pushBody(), occur_at: 0, operator: "admin" });
    const event = normalizeEvent(input, NOW);
    expect(event.occur_at).toBe(0);
    expect(event.operator).toBe("admin");
  });
});
