import { apiRoute } from "@/lib/api/route";
import { callFromNext, responseFrom } from "@/lib/api/call";
import { acceptRegistryEnvelope } from "@/lib/events/ingest-http";
import { recordRegistryRejection } from "@/lib/events/registry-feed";

/**
 * POST /service/notifications: CNCF Distribution registry notification envelopes
 * (application/vnd.docker.distribution.events.v1+json), with `Authorization: Bearer <token>`
 * (lib/events/ingest-http.ts).
 *
 * The envelope's shape is validated before anything is written; an event that is not a valid
 * registry event is skipped and listed in `ignored` (code invalid_event, the field at fault). The
 * accepted events are committed with their deliveries together, each keyed by the registry's
 * event id, so a registry re-posting the envelope (it retries until it sees a 2xx) never fans an
 * event out twice. Events we cannot use (blob layers, HEAD checks, unknown projects, the switch
 * off) are listed in `ignored` with the reason; they do not fail the envelope. The bearer token is
 * the registry's own: it grants this endpoint and nothing else.
 *
 * Every request is counted in the registry feed (lib/events/registry-feed.ts) that the settings
 * page and /metrics show: events by outcome, refused requests with the latest reason. `npm
 * start`'s web server answers this route itself with the same code; this handler serves it under
 * `next dev`.
 */
export const POST = apiRoute(
  { flavor: "v1", auth: "registry-token", onError: recordRegistryRejection },
  async ({ req, requestId }) => responseFrom(await acceptRegistryEnvelope(callFromNext(req), { requestId })),
);
