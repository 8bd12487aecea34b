import { apiRoute } from "@/lib/api/route";
import { callFromNext, responseFrom } from "@/lib/api/call";
import { acceptEvent } from "@/lib/events/ingest-http";

/**
 * POST /v1/events: a Harbor-shaped event for the key's project (lib/events/ingest-http.ts). The
 * event and its deliveries are committed before the 202; the same Idempotency-Key with the same
 * body again answers the first event, with no new deliveries, and with another body a 422
 * idempotency_key_reused. X-Request-Id (when given) becomes the event's request id (CloudEvents
 * `requestid`). With `?validate_only=true` the request is authenticated and validated, and
 * answered without storing anything. `npm start`'s web server answers this route itself with the
 * same code; this handler serves it under `next dev`.
 */
export const POST = apiRoute(
  { flavor: "v1", auth: "key", permission: "events.send" },
  async ({ req, access, requestId }) =>
    responseFrom(await acceptEvent(callFromNext(req), { projectId: access.project.id, requestId })),
);
