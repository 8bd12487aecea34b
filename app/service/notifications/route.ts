import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import { ingestIdempotent, WEBHOOKS_DISABLED_MESSAGE } from "@/lib/events/ingest-idempotent";
import { MAX_ENVELOPE_EVENTS, mapRegistryEnvelope } from "@/lib/events/registry";
import { recordRegistryEnvelope, recordRegistryRejection, sourceAddress } from "@/lib/events/registry-feed";
import { registryResultSchema, type RegistryResult } from "@/lib/events/schemas";

/**
 * POST /service/notifications: CNCF Distribution registry notification envelopes
 * (application/vnd.docker.distribution.events.v1+json), with `Authorization: Bearer <token>`.
 *
 * The envelope's shape is validated before anything is written; an event that is not a valid
 * registry event is skipped and listed in `ignored` (code invalid_event, the field at fault). Each accepted event is then
 * committed with its deliveries in its own transaction, keyed by the registry's event id, so a
 * registry re-posting the envelope (it retries until it sees a 2xx) never fans an event out twice.
 * Events we cannot use (blob layers, HEAD checks, unknown projects, the switch off) are listed in
 * `ignored` with the reason; they do not fail the envelope. The bearer token is the registry's
 * own: it grants this endpoint and nothing else.
 *
 * Every request is counted in the registry feed (lib/events/registry-feed.ts) that the settings
 * page and /metrics show: events by outcome, refused requests with the latest reason.
 */
export const POST = apiRoute(
  { flavor: "v1", auth: "registry-token", onError: recordRegistryRejection },
  async ({ req, requestId, json }) => {
    const body = await json();
    const events = (body as { events?: unknown } | null)?.events;
    if (Array.isArray(events) && events.length > MAX_ENVELOPE_EVENTS) {
      throw new AppError(
        "payload_too_large",
        `an envelope holds at most ${MAX_ENVELOPE_EVENTS.toLocaleString("en")} events (this one has ${events.length.toLocaleString("en")}); nothing was stored, send fewer events per notification`,
        "events",
      );
    }
    const mapped = mapRegistryEnvelope(body);
    if (!mapped.ok) {
      const field = mapped.field === "(root)" ? "body" : mapped.field;
      throw new AppError("validation_error", `${field}: ${mapped.message}`, field);
    }

    const result: RegistryResult = {
      accepted: 0,
      duplicates: 0,
      deliveries: 0,
      events: [],
      ignored: [
        ...mapped.invalid.map((i) => ({ id: i.id, code: "invalid_event" as const, reason: i.reason })),
        ...mapped.ignoredReasons.map((i) => ({ id: i.id, code: "not_applicable" as const, reason: i.reason })),
      ],
    };
    // The project is the repository's first path segment, looked up by name only (a segment
    // such as "3" must not match the project whose id is 3).
    const names = [...new Set(mapped.events.map((e) => e.projectName))];
    const db = await getDb();
    const projects = new Map(
      (await db.project.findMany({ where: { name: { in: names } }, select: { id: true, name: true } })).map((p) => [
        p.name,
        p.id,
      ]),
    );

    for (const [i, m] of mapped.events.entries()) {
      // Each event commits on its own; between them, other requests get the event loop (and on
      // SQLite the one connection): the driver is synchronous, so without a yield the whole
      // envelope would run as one chain of microtasks and every other reader would wait for it.
      if (i > 0) await new Promise((r) => setImmediate(r));
      const projectId = projects.get(m.projectName);
      if (projectId === undefined) {
        result.ignored.push({
          id: m.dedupeKey,
          code: "unknown_project",
          reason: `project "${m.projectName}" does not exist`,
        });
        continue;
      }
      const r = await ingestIdempotent({
        projectId,
        event: m.event,
        source: "registry",
        requestId: m.requestId ?? requestId,
        idempotencyKey: `registry:${m.dedupeKey}`,
      });
      if (r.status === "skipped") {
        result.ignored.push({ id: m.dedupeKey, code: "webhooks_disabled", reason: WEBHOOKS_DISABLED_MESSAGE });
        continue;
      }
      result.events.push({
        id: r.eventId,
        registry_event_id: m.dedupeKey,
        project: m.projectName,
        type: m.event.type,
        deliveries: r.deliveries,
        duplicate: r.duplicate,
      });
      if (r.duplicate) {
        result.duplicates += 1;
      } else {
        result.accepted += 1;
        result.deliveries += r.deliveries;
      }
    }
    await recordRegistryEnvelope(result, sourceAddress(req.headers));
    return NextResponse.json(registryResultSchema.parse(result), { status: 202 });
  },
);
