/**
 * The event catalog (GET /v1/event-types and the Event types page): every event type with what it
 * means, the JSON Schema of its `event_data`, a sample and its CloudEvents type. The schema is
 * generated from the zod schema that validates POST /v1/events (lib/events/types.ts), so the two
 * cannot disagree; the sample is the one "Send test event" delivers. The operational event types
 * (raised by the service itself, lib/alerts) follow, marked as selectable by instance-wide webhooks only.
 */
import { z } from "zod";
import { EVENT_DATA_SCHEMAS } from "@/lib/events/types";
import { sampleEvent } from "@/lib/events/samples";
import { stripSafeIntegerBounds } from "@/lib/shared/json-schema";
import {
  ALL_EVENT_TYPES,
  CLOUDEVENT_TYPES,
  EVENT_LABELS,
  isOperationalEventType,
  type AnyEventType,
} from "@/lib/shared/events";

/** Where an event of the type comes from, and what it means. */
export const EVENT_DESCRIPTIONS: Record<AnyEventType, string> = {
  PUSH_ARTIFACT:
    "An artifact (a manifest) was pushed to a repository: a registry's push notification, or an event posted to /v1/events.",
  PULL_ARTIFACT: "An artifact was pulled (a registry's GET of a manifest; HEAD requests are not pulls).",
  DELETE_ARTIFACT: "An artifact (a manifest, by digest) was deleted.",
  QUOTA_EXCEED: "A push was refused because the project's storage quota is used up.",
  QUOTA_WARNING: "A project's storage is near its quota.",
  SCANNING_FAILED: "A vulnerability scan of an artifact failed.",
  SCANNING_STOPPED: "A vulnerability scan of an artifact was stopped.",
  SCANNING_COMPLETED:
    "A vulnerability scan of an artifact finished; the report gives its severity and the vulnerabilities found (and fixable).",
  REPLICATION: "A replication job changed status; the lists name the artifacts that succeeded and failed.",
  TAG_RETENTION: "A tag retention run finished, with the artifacts it deleted.",
  TAG_CREATED:
    "A tag now names a manifest its repository already held (a retag or a promotion): a registry's tagged push of a digest pushed to that repository before. The push is a PUSH_ARTIFACT as well.",
  TAG_DELETED:
    "A tag was deleted: a registry's delete notification naming a tag (the digest is absent when the registry does not report it), or an event posted to /v1/events.",
  PROJECT_CREATED: "A project was created through the projects API or the UI.",
  PROJECT_DELETED:
    "A project was deleted through the projects API or the UI. It is recorded after the project and its own policies are gone, so only policies beyond the project receive it.",
  "webhook.target_paused":
    "Operational: a webhook's target was paused, automatically after its deliveries kept failing, because it answered 410 Gone, or by a person. One event per pause. Instance-wide webhooks only (an operations channel); never posted by clients.",
  "webhook.target_resumed":
    "Operational: a paused target was resumed by a person (or by a new address), so deliveries to it go out again. One event per resume. Instance-wide webhooks only.",
  "webhook.delivery_exhausted":
    "Operational: deliveries to a target failed after their last attempt. A digest: at most one per target every 15 minutes (ALERT_DIGEST_INTERVAL_MS), counting the deliveries since the previous one. Deliveries of operational events raise none. Instance-wide webhooks only.",
};

export const eventTypeEntrySchema = z.object({
  type: z.enum(ALL_EVENT_TYPES),
  label: z.string().describe("The name the UI shows"),
  description: z.string(),
  instance_wide_only: z
    .boolean()
    .describe("An operational event type: only instance-wide webhooks may select it, and clients cannot post it"),
  cloudevents_type: z.string().describe("The CloudEvents `type` of the CloudEvents payload format"),
  schema: z
    .record(z.string(), z.unknown())
    .describe("JSON Schema (2020-12) of `event_data`, generated from the schema POST /v1/events validates with"),
  sample: z
    .object({
      type: z.enum(ALL_EVENT_TYPES),
      occur_at: z.number().int(),
      operator: z.string(),
      event_data: z.record(z.string(), z.unknown()),
    })
    .describe("A Default payload of this type; it passes the schema"),
});

export const eventTypeCatalogSchema = z.object({ data: z.array(eventTypeEntrySchema) });
export type EventTypeEntry = z.infer<typeof eventTypeEntrySchema>;

/** The JSON Schema of a type's event_data (as received: unknown keys are allowed). */
export function eventDataJsonSchema(type: AnyEventType): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(EVENT_DATA_SCHEMAS[type], { io: "input" }) as Record<
    string,
    unknown
  >;
  return stripSafeIntegerBounds(schema);
}

let built: EventTypeEntry[] | undefined;

/** Every event type, in ALL_EVENT_TYPES order (computed once: nothing in it changes at run time). */
export function eventTypeCatalog(): EventTypeEntry[] {
  built ??= ALL_EVENT_TYPES.map((type) => ({
    type,
    label: EVENT_LABELS[type],
    description: EVENT_DESCRIPTIONS[type],
    instance_wide_only: isOperationalEventType(type),
    cloudevents_type: CLOUDEVENT_TYPES[type],
    schema: eventDataJsonSchema(type),
    sample: sampleEvent(type),
  }));
  return structuredClone(built);
}
