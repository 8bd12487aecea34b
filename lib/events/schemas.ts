import { z } from "zod";
import { EVENT_TYPES } from "@/lib/shared/events";

/**
 * What the event endpoints take besides the event itself (POST /v1/events: the Idempotency-Key,
 * the query) and what they answer (POST /v1/events, POST /service/notifications). The routes
 * validate and answer through these; the OpenAPI document is generated from them.
 */

export const IDEMPOTENCY_KEY_MAX = 255;

export const idempotencyKeySchema = z
  .string()
  .min(1, "must not be empty")
  .max(IDEMPOTENCY_KEY_MAX, `must be at most ${IDEMPOTENCY_KEY_MAX} characters`)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const eventAcceptedSchema = z.object({
  id: z.number().int().describe("The event's id."),
  deliveries: z.number().int().describe("Deliveries queued for it (one per matching policy target)."),
  duplicate: z
    .literal(true)
    .optional()
    .describe(
      "Present when the Idempotency-Key was seen before: the first event is answered and nothing new is queued.",
    ),
});

/** `POST /v1/events?validate_only=true`: authenticated and valid, nothing stored. */
export const eventValidSchema = z.object({
  valid: z.literal(true).describe("The key may send events and the event is valid; nothing was stored or queued."),
});

/** Query parameters of `POST /v1/events`. */
export const eventQuerySchema = z.object({
  validate_only: z.enum(["true", "false"], "must be true or false").optional(),
});

export const eventSkippedSchema = z.object({
  skipped: z.literal(true),
  reason: z.literal("webhooks_disabled"),
  message: z.string(),
});

/** invalid_event: not a valid registry event (the reason names the field); skipped, the others go on. */
export const REGISTRY_IGNORE_CODES = [
  "not_applicable",
  "unknown_project",
  "webhooks_disabled",
  "invalid_event",
] as const;

export const registryResultSchema = z.object({
  accepted: z.number().int().describe("Registry events that became new Harbor events."),
  duplicates: z.number().int().describe("Events seen before (same registry event id): not delivered again."),
  deliveries: z.number().int().describe("Deliveries queued for the accepted events."),
  events: z.array(
    z.object({
      id: z.number().int().describe("Our event id."),
      registry_event_id: z.string(),
      project: z.string(),
      type: z.enum(EVENT_TYPES),
      deliveries: z.number().int(),
      duplicate: z.boolean(),
    }),
  ),
  ignored: z.array(
    z.object({
      id: z.string().describe("The registry's event id."),
      code: z.enum(REGISTRY_IGNORE_CODES),
      reason: z.string(),
    }),
  ),
});
export type RegistryResult = z.infer<typeof registryResultSchema>;
