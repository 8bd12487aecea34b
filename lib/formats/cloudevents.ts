import { CloudEvent, HTTP } from "cloudevents";
import { CLOUDEVENT_TYPES, type HarborEvent } from "@/lib/shared/events";

export type CloudEventContext = { id: string; requestId: string; projectId: number; policyId: number };

// Attribute order of the spec's examples; anything else the SDK emits follows.
const SPEC_ATTRIBUTE_ORDER = [
  "specversion",
  "id",
  "requestid",
  "source",
  "type",
  "datacontenttype",
  "time",
  "data",
  "operator",
];

/** Unix seconds as RFC 3339 UTC without fractional seconds, as the spec shows: "2023-04-03T06:04:46Z". */
export function unixSecondsToRfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function cloudEventSource(projectId: number, policyId: number): string {
  return `/projects/${projectId}/webhook/policies/${policyId}`;
}

/**
 * Harbor's "CloudEvents" payload (structured mode), built and validated with
 * the cloudevents SDK.
 */
export function buildCloudEvent(
  event: HarborEvent,
  ctx: CloudEventContext,
): { body: string; contentType: "application/cloudevents+json"; event: CloudEvent<Record<string, unknown>> } {
  const time = unixSecondsToRfc3339(event.occur_at);
  const ce = new CloudEvent<Record<string, unknown>>({
    specversion: "1.0",
    id: ctx.id,
    source: cloudEventSource(ctx.projectId, ctx.policyId),
    type: CLOUDEVENT_TYPES[event.type],
    datacontenttype: "application/json",
    time,
    data: event.event_data,
    // Extensions (CloudEvents attribute names must be lowercase alphanumerics).
    requestid: ctx.requestId,
    operator: event.operator,
  });
  ce.validate();

  // The SDK serialises `time` with milliseconds ("...46.000Z"); the spec and
  // Harbor send whole seconds. Both are valid RFC 3339, so restore the spec's
  // form, and the spec's attribute order for readability.
  const wire = JSON.parse(HTTP.structured(ce).body as string) as Record<string, unknown>;
  wire.time = time;
  const ordered: Record<string, unknown> = {};
  for (const key of SPEC_ATTRIBUTE_ORDER) if (key in wire) ordered[key] = wire[key];
  for (const [key, value] of Object.entries(wire)) if (!(key in ordered)) ordered[key] = value;

  return { body: JSON.stringify(ordered), contentType: "application/cloudevents+json", event: ce };
}
