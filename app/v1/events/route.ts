import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/api/route";
import { ingestIdempotent, requestBodyHash, WEBHOOKS_DISABLED_MESSAGE } from "@/lib/events/ingest-idempotent";
import { parseHarborEvent } from "@/lib/events/types";
import {
  eventAcceptedSchema,
  eventQuerySchema,
  eventSkippedSchema,
  eventValidSchema,
  idempotencyKeySchema,
} from "@/lib/events/schemas";

/**
 * POST /v1/events: a Harbor-shaped event for the key's project. The event and its deliveries are
 * committed before the 202; the same Idempotency-Key with the same body again answers the first
 * event, with no new deliveries, and with another body a 422 idempotency_key_reused. X-Request-Id (when given) becomes the event's request id (CloudEvents `requestid`).
 * With `?validate_only=true` the request is authenticated and validated, and answered without
 * storing anything (a client's dry run; the benchmark's baseline for the cost of the write).
 */
export const POST = apiRoute(
  { flavor: "v1", auth: "key", permission: "events.send" },
  async ({ req, access, requestId, query, json }) => {
    const { validate_only } = query(eventQuerySchema);
    const header = req.headers.get("idempotency-key");
    let idempotencyKey: string | undefined;
    if (header !== null) {
      const r = idempotencyKeySchema.safeParse(header);
      if (!r.success)
        throw new AppError("validation_error", `Idempotency-Key ${r.error.issues[0].message}`, "Idempotency-Key");
      idempotencyKey = r.data;
    }
    const raw = await json();
    const parsed = parseHarborEvent(raw);
    if (!parsed.ok) {
      const field = parsed.field === "(root)" ? "body" : parsed.field;
      throw new AppError("validation_error", `${field}: ${parsed.message}`, field);
    }
    if (validate_only === "true") return NextResponse.json(eventValidSchema.parse({ valid: true }), { status: 202 });
    const result = await ingestIdempotent({
      projectId: access.project.id,
      event: parsed.event,
      source: "api",
      requestId,
      // Namespaced, so an API client's keys never meet the registry's ("registry:<event id>").
      ...(idempotencyKey ? { idempotencyKey: `api:${idempotencyKey}`, bodyHash: requestBodyHash(raw) } : {}),
    });
    if (result.status === "skipped") {
      return NextResponse.json(
        eventSkippedSchema.parse({ skipped: true, reason: "webhooks_disabled", message: WEBHOOKS_DISABLED_MESSAGE }),
        { status: 202 },
      );
    }
    const body = eventAcceptedSchema.parse({
      id: result.eventId,
      deliveries: result.deliveries,
      ...(result.duplicate ? { duplicate: true } : {}),
    });
    return NextResponse.json(body, { status: 202 });
  },
);
