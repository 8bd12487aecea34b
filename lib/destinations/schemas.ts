import { policyInputSchema } from "@/lib/shared/policy-input";
import { targetHealthSchema } from "@/lib/shared/target-health";
import { z } from "zod";
import { retryPolicySchema } from "@/lib/shared/retry-policy";
import { conditionsObjectSchema, conditionsSchema } from "@/lib/shared/conditions";
import { ALL_EVENT_TYPES, EVENT_TYPES } from "@/lib/shared/events";
import { visibleName } from "@/lib/shared/input-rules";

/**
 * The Destinations API's request and response shapes (../shared/spec/destinations-api.txt).
 * The same schemas validate requests, filter responses and generate the OpenAPI document.
 */

export const DESTINATION_STATUSES = ["active", "paused"] as const;
export type DestinationStatus = (typeof DESTINATION_STATUSES)[number];

/** The metadata limit of the spec: the JSON form of the object, in bytes. */
export const METADATA_MAX_BYTES = 8 * 1024;

/** Public ids look like `dest_01HXYZ…` (a ULID after the prefix). */
export const DESTINATION_ID_PATTERN = /^dest_[0-9A-HJKMNP-TV-Z]{26}$/;

// Scheme, test/live mode and reachability are checked by the service, which answers with the
// spec's own codes (invalid_url, url_not_reachable) rather than validation_error.
const urlField = z
  .string("must be a string")
  .trim()
  .min(1, "is required")
  .max(2048, "must be at most 2048 characters")
  .describe("The HTTPS URL events are POSTed to. HTTP is accepted only with a test-mode key (hk_test_…).");

const nameField = visibleName(z.string("must be a string").trim().max(256, "must be at most 256 characters")).describe(
  "Human-readable label, stored in Unicode NFC; invisible and text-direction characters are refused.",
);

// Operational types pass here so the service refuses them with their own code (operational_event_type).
const eventTypesField = z
  .array(z.enum(ALL_EVENT_TYPES, `must be one of ${EVENT_TYPES.join(", ")}`), "must be a list of event types")
  .min(1, "choose at least one event type")
  .transform((v) => [...new Set(v)])
  .describe("Event types delivered to this destination; every type when omitted.");

const conditionsField = conditionsSchema
  .nullable()
  .describe(
    "Conditions on the event's content (scan severity, replication result, operators, artifact types); null clears them. Left out on update: kept.",
  );

/** The policy's own rule and wording (1-60 whole seconds; null: off; left out on update: kept). */
const groupingWindowField = policyInputSchema.shape.grouping_window_seconds;

const metadataField = z
  .record(z.string(), z.unknown(), "must be an object of string keys")
  .describe(`Arbitrary key/value pairs, returned on reads. At most ${METADATA_MAX_BYTES} bytes as JSON.`);

const retryPolicyField = retryPolicySchema
  .nullable()
  .describe("Overrides of the system's delivery defaults; fields left out (or null for all) use the defaults.");

const statusField = z.enum(DESTINATION_STATUSES, "must be active or paused").describe("'active' or 'paused'.");

export const destinationCreateSchema = z.strictObject(
  {
    url: urlField,
    name: nameField.optional(),
    retry_policy: retryPolicyField.optional(),
    metadata: metadataField.optional(),
    event_types: eventTypesField.optional(),
    conditions: conditionsField.optional(),
    grouping_window_seconds: groupingWindowField,
    status: statusField.optional(),
  },
  "must be a JSON object",
);
export type DestinationCreateInput = z.infer<typeof destinationCreateSchema>;

export const destinationUpdateSchema = z.strictObject(
  {
    url: urlField.optional(),
    name: nameField.optional(),
    retry_policy: retryPolicyField.optional(),
    metadata: metadataField.optional(),
    event_types: eventTypesField.optional(),
    conditions: conditionsField.optional(),
    grouping_window_seconds: groupingWindowField,
    status: statusField.optional(),
  },
  "must be a JSON object",
);
export type DestinationUpdateInput = z.infer<typeof destinationUpdateSchema>;

export const destinationListQuerySchema = z.object({
  status: z.enum(DESTINATION_STATUSES, "must be active or paused").optional(),
});

// --- responses ---

const timestamp = z.string().describe("RFC 3339 time");

export const effectiveRetryPolicySchema = z
  .object({
    max_attempts: z.number().int(),
    backoff_base_ms: z.number().int(),
    backoff_cap_ms: z.number().int(),
    timeout_ms: z.number().int(),
  })
  .describe("The retry policy in effect: the system defaults with this destination's overrides applied.");

export const destinationSchema = z.object({
  id: z.string().describe("Public id, e.g. dest_01HXYZ…"),
  url: z.string(),
  name: z.string(),
  status: z.enum(DESTINATION_STATUSES),
  paused_reason: z
    .string()
    .nullable()
    .describe(
      "Why a paused destination is paused (by a client, by 410 Gone, or automatically after repeated failures).",
    ),
  health: targetHealthSchema.nullable(),
  event_types: z.array(z.enum(EVENT_TYPES)),
  conditions: conditionsObjectSchema.describe("The conditions on content set on this destination; {} = none."),
  grouping_window_seconds: z
    .number()
    .int()
    .nullable()
    .describe("Seconds events of one type and repository are collected into one delivery; null = off."),
  retry_policy: effectiveRetryPolicySchema,
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Destination = z.infer<typeof destinationSchema>;

export const createdDestinationSchema = destinationSchema.extend({
  signing_secret: z.string().describe("Standard Webhooks secret (whsec_…). Returned only in this response: store it."),
});

export const destinationPageSchema = z.object({
  data: z.array(destinationSchema),
  next_cursor: z.string().nullable().describe("Pass as `cursor` to get the next page; null on the last page."),
});

export const signingKeyRotationSchema = z.object({
  id: z.string().describe("The destination's id."),
  signing_secret: z.string().describe("The new secret (whsec_…), returned only here."),
  previous_secrets_expire_at: timestamp.describe(
    "Until then deliveries carry signatures of the old and the new secret.",
  ),
});

export const DELIVERY_STATUSES = ["pending", "running", "success", "error", "stopped"] as const;

export const deliveryAttemptSchema = z.object({
  number: z.number().int(),
  started_at: timestamp,
  duration_ms: z.number().int(),
  response_status: z.number().int().nullable(),
  error: z.string().nullable(),
});

export const deliverySchema = z.object({
  id: z.number().int().describe("Delivery (task) id."),
  webhook_id: z.string().describe("The `webhook-id` header value: the same on every attempt, for de-duplication."),
  event_id: z.number().int().describe("The event's id, as answered by POST /v1/events."),
  event_type: z.enum(EVENT_TYPES),
  status: z.enum(DELIVERY_STATUSES),
  status_message: z.string(),
  attempts: z.array(deliveryAttemptSchema),
  created_at: timestamp,
  updated_at: timestamp,
});

export const deliveryPageSchema = z.object({
  data: z.array(deliverySchema),
  next_cursor: z.string().nullable(),
});
