import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { configSnapshot, type ConfigSnapshot } from "@/lib/db/config-cache";
import { rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { commitEvents, MAX_ROWS_PER_COMMIT, type EventWrite } from "@/lib/events/group-commit";
import { eventSearchFields } from "@/lib/events/search-fields";
import { groupingKeys } from "@/lib/delivery/grouping";
import { projectNamedBy, type HarborEvent } from "@/lib/shared/events";
import { conditionsRefusal, parseStoredConditions, type Conditions } from "@/lib/shared/conditions";
import { compileGlob, globMatch, GlobSyntaxError, MatchStepsExceeded, StepBudget, type Glob } from "@/lib/shared/glob";
import { policyEventTypes } from "@/lib/policies/service";
import { projectPatternMatches } from "@/lib/policies/project-pattern";
import { deliverySwitch } from "@/lib/settings/settings";
import { activeTracer, traceparentOf } from "@/lib/tracing/tracer";
import { endIngestSpan, startIngestSpan } from "@/lib/events/ingest-trace";

export type EventSource = "registry" | "api" | "test" | "alert";

export type IngestRequest = {
  /**
   * The event's project; null for an event that outlives its project (PROJECT_DELETED): it is
   * recorded, and reaches only instance-wide policies (the project's own went with it).
   */
  projectId: number | null;
  event: HarborEvent;
  source: EventSource;
  requestId?: string;
  idempotencyKey?: string;
  /**
   * With an idempotency key from a client: the hash of its request body (requestBodyHash). The
   * same key with another body is refused (idempotency_key_reused) instead of answering the first event.
   */
  bodyHash?: string;
  /** "Send test event": deliver to this policy only, whatever its filters and switch. */
  onlyPolicyId?: number;
  /**
   * Media and artifact types the registry reported beside the event (the manifest's, those it references):
   * not part of the payload, but what artifact conditions judge.
   */
  artifactTypes?: readonly string[];
  /**
   * The W3C `traceparent` the request came with (POST /v1/events): the event's trace continues the
   * caller's. Read only while tracing is on.
   */
  traceParent?: string;
};

export type IngestResult =
  | { status: "accepted"; eventId: number; deliveries: number; duplicate: boolean }
  | { status: "skipped"; reason: "webhooks_disabled" };

/** The repository and tags an event is about, for the policy filters. */
export function eventSubject(event: HarborEvent): { repository?: string; tags: string[] } {
  const data = event.event_data as { repository?: { repo_full_name?: unknown }; resources?: { tag?: unknown }[] };
  const repository = typeof data.repository?.repo_full_name === "string" ? data.repository.repo_full_name : undefined;
  const tags = (Array.isArray(data.resources) ? data.resources : [])
    .map((r) => r?.tag)
    .filter((t): t is string => typeof t === "string");
  return { repository, tags };
}

/**
 * The matching work one event may cause across every policy's patterns. Matching is linear, so
 * only an event with a great many long tags against many long patterns gets near it; it is then
 * refused (400) instead of holding the event loop.
 */
export const MAX_MATCH_STEPS_PER_EVENT = 1_000_000;

/** A stored pattern, compiled; one saved before the syntax was checked as it is now matches nothing. */
function storedGlob(pattern: string): Glob | null {
  try {
    return compileGlob(pattern);
  } catch (err) {
    if (err instanceof GlobSyntaxError) return null;
    throw err;
  }
}

/**
 * Whether a policy's optional repository/tag patterns and content conditions accept the event (no
 * pattern or condition = everything).
 */
export function filtersMatch(
  policy: { repoPattern: string | null; tagPattern: string | null; conditions?: Conditions | null },
  event: HarborEvent,
  budget = new StepBudget(MAX_MATCH_STEPS_PER_EVENT),
  artifactTypes?: readonly string[],
): boolean {
  const { repository, tags } = eventSubject(event);
  try {
    if (policy.repoPattern) {
      const glob = storedGlob(policy.repoPattern);
      if (!glob || repository === undefined || !globMatch(glob, repository, budget)) return false;
    }
    if (policy.tagPattern) {
      const glob = storedGlob(policy.tagPattern);
      if (!glob || !tags.some((t) => globMatch(glob, t, budget))) return false;
    }
    return conditionsRefusal(policy.conditions ?? null, event, { artifactTypes, budget }) === null;
  } catch (err) {
    if (err instanceof MatchStepsExceeded)
      throw new AppError(
        "validation_error",
        `event_data: matching the webhook filters against this event's repository and tags took more than ${err.limit} steps; send fewer or shorter tags`,
        "event_data",
      );
    throw err;
  }
}

/**
 * Records an event and one execution + task per matching (policy × target), in one transaction,
 * so an accepted event is never lost. While webhooks are globally disabled the event is skipped
 * (counted), as Harbor does. The transaction may be shared with concurrent requests (group
 * commit, lib/events/group-commit.ts); this answers once it has committed.
 */
export async function ingestEvent(req: IngestRequest, config?: ConfigSnapshot): Promise<IngestResult> {
  const [outcome] = await ingestEvents([req], config);
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}

export type IngestOutcome = { ok: true; result: IngestResult } | { ok: false; error: unknown };

/**
 * Several events of one request (a registry envelope), committed together: one transaction for
 * the usual envelope, a few when it holds more rows than one commit takes (MAX_ROWS_PER_COMMIT).
 * Each event has its own outcome: one that fails (a refused idempotency key) fails alone.
 */
export async function ingestEvents(reqs: IngestRequest[], config?: ConfigSnapshot): Promise<IngestOutcome[]> {
  const tracer = activeTracer();
  if (!tracer) return storeEvents(reqs, config);
  // One trace per event: its ingest span's context is stored with it for the worker.
  const spans = reqs.map((req) => startIngestSpan(tracer, req));
  try {
    const outcomes = await storeEvents(reqs, config, spans.map(traceparentOf));
    outcomes.forEach((outcome, i) => endIngestSpan(spans[i], outcome));
    return outcomes;
  } catch (error) {
    for (const span of spans) endIngestSpan(span, { ok: false, error });
    throw error;
  }
}

/** ingestEvents' work; `traceContexts`: each event's ingest span, as a traceparent, to store with it. */
async function storeEvents(
  reqs: IngestRequest[],
  config?: ConfigSnapshot,
  traceContexts?: string[],
): Promise<IngestOutcome[]> {
  // What is read here comes from memory while the configuration version holds (one primary-key
  // read per request): the switch, the project's policies and targets.
  const snapshot = config ?? (await configSnapshot());
  const settings = await snapshot.memo("delivery-switch", () => deliverySwitch());
  const outcomes: IngestOutcome[] = new Array(reqs.length);
  const writes: { index: number; write: EventWrite }[] = [];
  let skipped = 0;
  for (const [index, req] of reqs.entries()) {
    if (!settings.webhooksEnabled && !req.onlyPolicyId) {
      skipped += 1;
      outcomes[index] = { ok: true, result: { status: "skipped", reason: "webhooks_disabled" } };
      continue;
    }
    try {
      writes.push({ index, write: await prepareWrite(req, settings.maxAttempts, snapshot, traceContexts?.[index]) });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  if (skipped > 0) {
    const db = await getDb();
    await db.systemSettings.update({ where: { id: 1 }, data: { skippedEvents: { increment: skipped } } });
  }
  for (const chunk of chunksByRows(writes)) {
    const stored = await commitEvents(chunk.map((w) => w.write));
    chunk.forEach((w, i) => {
      const o = stored[i];
      outcomes[w.index] = o.ok ? { ok: true, result: { status: "accepted", ...o.stored } } : o;
    });
  }
  return outcomes;
}

/** The event's row and the deliveries it causes (its project's matching targets). */
async function prepareWrite(
  req: IngestRequest,
  defaultAttempts: number,
  config: ConfigSnapshot,
  traceContext: string | undefined,
): Promise<EventWrite> {
  const budget = new StepBudget(MAX_MATCH_STEPS_PER_EVENT);
  const projectId = req.projectId;
  // An event that outlived its project reaches the instance-wide policies whose pattern takes in
  // the project's name, as its event data gives it.
  const candidates =
    projectId === null
      ? await candidateTargets(null, req.onlyPolicyId, projectNamedBy(req.event.event_data)?.name ?? null)
      : req.onlyPolicyId
        ? await candidateTargets(projectId, req.onlyPolicyId)
        : await config.memo(`targets:${projectId}`, () => candidateTargets(projectId));
  const targets = candidates.filter(
    (t) =>
      req.onlyPolicyId ||
      (policyEventTypes(t).includes(req.event.type) && filtersMatch(t, req.event, budget, req.artifactTypes)),
  );
  // A test event is sent at once; an event of no repository has nothing to be grouped by.
  const grouping = req.onlyPolicyId ? null : groupingKeys(req.event);
  return {
    projectId: req.projectId,
    type: req.event.type,
    occurAt: req.event.occur_at,
    operator: req.event.operator,
    eventData: JSON.stringify(req.event.event_data),
    requestId: req.requestId,
    source: req.source,
    idempotencyKey: req.idempotencyKey,
    bodyHash: req.bodyHash,
    search: eventSearchFields(req.event),
    traceContext,
    trigger: req.onlyPolicyId ? "MANUAL" : "EVENT",
    deliveries: targets.map((t) => ({
      policyId: t.policyId,
      targetId: t.targetId,
      vendorType: t.targetType === "slack" ? "SLACK" : "WEBHOOK",
      maxAttempts: t.maxAttempts ?? defaultAttempts,
      groupWindowMs: grouping && t.groupingWindowSeconds ? t.groupingWindowSeconds * 1000 : null,
    })),
    grouping,
  };
}

/** Consecutive runs of writes that fit one commit (a single write always makes its own run). */
function chunksByRows<T extends { write: EventWrite }>(writes: T[]): T[][] {
  const chunks: T[][] = [];
  let rows = MAX_ROWS_PER_COMMIT + 1;
  for (const w of writes) {
    const n = 1 + w.write.deliveries.length;
    if (rows + n > MAX_ROWS_PER_COMMIT) {
      chunks.push([]);
      rows = 0;
    }
    chunks[chunks.length - 1].push(w);
    rows += n;
  }
  return chunks;
}

type CandidateTarget = {
  policyId: number;
  targetId: number;
  targetType: string;
  eventTypes: string;
  repoPattern: string | null;
  tagPattern: string | null;
  conditions: Conditions | null;
  maxAttempts: number | null;
  groupingWindowSeconds: number | null;
};

/**
 * Active targets of the enabled policies an event of the project reaches (or of one policy, for a
 * test event), in one query: the project's own and the instance-wide ones whose project pattern
 * matches its name. The answer is kept per configuration version, and renaming a project or
 * changing a pattern bumps that version, so the match is made once per project and version.
 */
async function candidateTargets(
  projectId: number | null,
  onlyPolicyId?: number,
  projectName: string | null = null,
): Promise<CandidateTarget[]> {
  const which = onlyPolicyId ? Prisma.sql`p."id" = ${onlyPolicyId}` : Prisma.sql`p."enabled" = TRUE`;
  const rows = await rawQuery(Prisma.sql`
    SELECT p."id" AS "policyId", w."id" AS "targetId", w."type" AS "targetType", p."eventTypes", p."repoPattern", p."tagPattern", p."conditions", p."maxAttempts", p."groupingWindowSeconds",
      p."projectPattern", (SELECT pr."name" FROM "Project" pr WHERE pr."id" = ${projectId}) AS "projectName"
    FROM "WebhookPolicy" p JOIN "WebhookTarget" w ON w."policyId" = p."id"
    WHERE (p."projectId" = ${projectId} OR (p."projectId" IS NULL AND p."kind" = 'policy')) AND ${which} AND w."status" = 'active'
    ORDER BY p."id", w."position"`);
  return rows
    .filter((r) =>
      projectPatternMatches(r.projectPattern as string | null, (r.projectName as string | null) ?? projectName),
    )
    .map((r) => ({
      policyId: Number(r.policyId),
      targetId: Number(r.targetId),
      targetType: String(r.targetType),
      eventTypes: String(r.eventTypes),
      repoPattern: (r.repoPattern as string | null) ?? null,
      tagPattern: (r.tagPattern as string | null) ?? null,
      conditions: parseStoredConditions(r.conditions as string | null),
      maxAttempts: r.maxAttempts === null || r.maxAttempts === undefined ? null : Number(r.maxAttempts),
      groupingWindowSeconds:
        r.groupingWindowSeconds === null || r.groupingWindowSeconds === undefined
          ? null
          : Number(r.groupingWindowSeconds),
    }));
}
