import crypto from "node:crypto";
import type http from "node:http";
import { AppError } from "@/lib/errors";
import { authenticateKey, authenticateRegistry } from "@/lib/api/authenticate";
import { readJsonFrom } from "@/lib/api/body";
import { callFromNode, sendJson, type ApiCall, type JsonAnswer } from "@/lib/api/call";
import { errorBody, errorParts } from "@/lib/api/error-response";
import { parseInput } from "@/lib/api/input";
import { rateLimit, refuseUnstorableQuery, sanitizeRequestId } from "@/lib/api/route";
import { requireKeyProject } from "@/lib/auth/access";
import { snapshotOnFirstUse, type ConfigSnapshot } from "@/lib/db/config-cache";
import { rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { expectCommit } from "@/lib/events/group-commit";
import { ingestEvents } from "@/lib/events/ingest";
import { requestBodyHash, WEBHOOKS_DISABLED_MESSAGE } from "@/lib/events/ingest-idempotent";
import { recordManifests, withTagCreations } from "@/lib/events/known-manifests";
import { MAX_ENVELOPE_EVENTS, mapRegistryEnvelope } from "@/lib/events/registry";
import { recordRegistryEnvelope, recordRegistryRejection, sourceAddress } from "@/lib/events/registry-feed";
import {
  eventAcceptedSchema,
  eventQuerySchema,
  eventSkippedSchema,
  eventValidSchema,
  idempotencyKeySchema,
  registryResultSchema,
  type RegistryResult,
} from "@/lib/events/schemas";
import { parseHarborEvent } from "@/lib/events/types";
import SECURITY_HEADERS from "@/lib/http/security-headers.json";

/**
 * The two ingest endpoints, written once for both servers: Next.js's route handlers
 * (app/v1/events/route.ts, app/service/notifications/route.ts, through apiRoute) call the
 * accept* functions after apiRoute's checks; the web server answers them itself through
 * serveIngest (lib/process/web-server.ts), with the same checks, without the framework's
 * per-request cost. Either way the answers are the same: status, body, headers, error shapes.
 */

export const INGEST_PATHS = { "/v1/events": "events", "/service/notifications": "registry" } as const;
export type IngestEndpoint = (typeof INGEST_PATHS)[keyof typeof INGEST_PATHS];

const accepted = (body: unknown): JsonAnswer => ({ status: 202, body, headers: {} });

/**
 * POST /v1/events after authentication: a Harbor-shaped event for the key's project. The event
 * and its deliveries are committed before the 202; the same Idempotency-Key with the same body
 * again answers the first event, with no new deliveries, and with another body a 422
 * idempotency_key_reused. With `?validate_only=true` nothing is stored.
 */
export async function acceptEvent(
  call: ApiCall,
  ctx: { projectId: number; requestId: string; config?: ConfigSnapshot },
): Promise<JsonAnswer> {
  const { validate_only } = parseInput(eventQuerySchema, Object.fromEntries(call.searchParams.entries()), {
    rootField: "body",
  });
  const header = call.headers.get("idempotency-key");
  let idempotencyKey: string | undefined;
  if (header !== null) {
    const r = idempotencyKeySchema.safeParse(header);
    if (!r.success)
      throw new AppError("validation_error", `Idempotency-Key ${r.error.issues[0].message}`, "Idempotency-Key");
    idempotencyKey = r.data;
  }
  const raw = await readJsonFrom(call);
  const parsed = parseHarborEvent(raw);
  if (!parsed.ok) {
    const field = parsed.field === "(root)" ? "body" : parsed.field;
    throw new AppError("validation_error", `${field}: ${parsed.message}`, field);
  }
  if (validate_only === "true") return accepted(eventValidSchema.parse({ valid: true }));
  const [outcome] = await ingestEvents(
    [
      {
        projectId: ctx.projectId,
        event: parsed.event,
        source: "api",
        requestId: ctx.requestId,
        // The caller's trace, which the event's continues (while tracing is on).
        traceParent: call.headers.get("traceparent") ?? undefined,
        // Namespaced, so an API client's keys never meet the registry's ("registry:<event id>").
        ...(idempotencyKey ? { idempotencyKey: `api:${idempotencyKey}`, bodyHash: requestBodyHash(raw) } : {}),
      },
    ],
    ctx.config,
  );
  if (!outcome.ok) throw outcome.error;
  const result = outcome.result;
  if (result.status === "skipped") {
    return accepted(
      eventSkippedSchema.parse({ skipped: true, reason: "webhooks_disabled", message: WEBHOOKS_DISABLED_MESSAGE }),
    );
  }
  return accepted(
    eventAcceptedSchema.parse({
      id: result.eventId,
      deliveries: result.deliveries,
      ...(result.duplicate ? { duplicate: true } : {}),
    }),
  );
}

/**
 * POST /service/notifications after the token check: a CNCF Distribution envelope. Its shape is
 * validated before anything is written; each event is keyed by the registry's event id, so a
 * re-posted envelope never fans an event out twice. The envelope's events are committed together
 * (one transaction, unless it holds more rows than one commit takes); events we cannot use are
 * listed in `ignored` with the reason and do not fail the envelope.
 */
export async function acceptRegistryEnvelope(
  call: ApiCall,
  ctx: { requestId: string; config?: ConfigSnapshot },
): Promise<JsonAnswer> {
  const body = await readJsonFrom(call);
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
  // From memory while the configuration version holds (a rename or delete bumps it; a project
  // not found is looked up again, so one created since is found).
  const names = [...new Set(mapped.events.map((e) => e.projectName))];
  const config = ctx.config ?? snapshotOnFirstUse();
  const projects = new Map<string, number>();
  for (const name of names) {
    const id = await config.memo(`project-name:${name}`, async () => {
      const [row] = await rawQuery<{ id: unknown }>(Prisma.sql`SELECT "id" FROM "Project" WHERE "name" = ${name}`);
      return row ? Number(row.id) : null;
    });
    if (id !== null) projects.set(name, id);
  }
  const all = await withTagCreations(mapped.events, (m) => projects.get(m.projectName));
  const known = all.filter((m) => projects.has(m.projectName));
  const outcomes = await ingestEvents(
    known.map((m) => ({
      projectId: projects.get(m.projectName)!,
      event: m.event,
      source: "registry" as const,
      requestId: m.requestId ?? ctx.requestId,
      idempotencyKey: `registry:${m.dedupeKey}`,
      artifactTypes: m.artifactTypes,
    })),
    config,
  );
  const outcomeOf = new Map(known.map((m, i) => [m, outcomes[i]]));
  await recordManifests(
    known.filter((m) => outcomeOf.get(m)?.ok).map((m) => ({ projectId: projects.get(m.projectName)!, mapped: m })),
  );
  for (const m of all) {
    const outcome = outcomeOf.get(m);
    if (!outcome) {
      result.ignored.push({
        id: m.dedupeKey,
        code: "unknown_project",
        reason: `project "${m.projectName}" does not exist`,
      });
      continue;
    }
    if (!outcome.ok) throw outcome.error;
    const r = outcome.result;
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
  await recordRegistryEnvelope(result, sourceAddress(call.headers));
  return accepted(registryResultSchema.parse(result));
}

/**
 * The whole request, as apiRoute runs it for these two routes' declarations (`auth: "key"` with
 * events.send; `auth: "registry-token"` with the registry feed told of refusals): request id,
 * authentication, rate limit, the query check, the handler, errors in the /v1 shape.
 */
export async function serveIngest(endpoint: IngestEndpoint, call: ApiCall): Promise<JsonAnswer> {
  const requestId = sanitizeRequestId(call.headers.get("x-request-id")) ?? crypto.randomUUID();
  const answered = expectCommit();
  let answer: JsonAnswer;
  try {
    // One version read for the whole request: the key, its project, the settings and the targets.
    const config = snapshotOnFirstUse();
    if (endpoint === "events") {
      const actor = await authenticateKey(call.headers.get("authorization") ?? "", config);
      rateLimit(actor);
      const access = await requireKeyProject(actor, "events.send", config);
      refuseUnstorableQuery(call.searchParams);
      answer = await acceptEvent(call, { projectId: access.project.id, requestId, config });
    } else {
      await authenticateRegistry(call, config);
      refuseUnstorableQuery(call.searchParams);
      answer = await acceptRegistryEnvelope(call, { requestId, config });
    }
    answer.headers["X-Request-Id"] = requestId;
  } catch (err) {
    if (endpoint === "registry") await recordRegistryRejection(call, err).catch(() => undefined);
    const e = errorParts(err, requestId);
    answer = { status: e.status, body: errorBody("v1", e.code, e.message, e.field), headers: e.headers };
  } finally {
    answered();
  }
  return answer;
}

/** Headers Next.js adds to every answer (next.config.js), so the lean path answers the same. */
const APP_HEADERS: Record<string, string> = Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key, h.value]));

/**
 * The web server's handler for POST /v1/events and POST /service/notifications; false for any
 * other request (Next.js serves it, as it serves these two to other methods).
 */
export function handleIngest(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== "POST") return false;
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const endpoint = INGEST_PATHS[(q === -1 ? raw : raw.slice(0, q)) as keyof typeof INGEST_PATHS];
  if (!endpoint) return false;
  const url = new URL(raw, "http://localhost");
  void serveIngest(endpoint, callFromNode(req, url)).then(
    (answer) => sendJson(res, answer, APP_HEADERS),
    // serveIngest answers every error itself; this is a failure to write the answer.
    () => res.destroy(),
  );
  return true;
}
