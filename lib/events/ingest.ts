import crypto from "node:crypto";
import { AppError } from "@/lib/errors";
import { getDb, type Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/sql";
import { newMessageId } from "@/lib/ids";
import { notifyWorkers } from "@/lib/db/wakeup";
import { eventSearchFields } from "@/lib/events/search-fields";
import type { HarborEvent } from "@/lib/shared/events";
import { compileGlob, globMatch, GlobSyntaxError, MatchStepsExceeded, StepBudget, type Glob } from "@/lib/shared/glob";
import { policyEventTypes } from "@/lib/policies/service";
import { deliverySwitch } from "@/lib/settings/settings";

export type EventSource = "registry" | "api" | "test";

export type IngestRequest = {
  projectId: number;
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

/** Whether a policy's optional repository/tag patterns accept the event (no pattern = everything). */
export function filtersMatch(
  policy: { repoPattern: string | null; tagPattern: string | null },
  event: HarborEvent,
  budget = new StepBudget(MAX_MATCH_STEPS_PER_EVENT),
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
    return true;
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
 * (counted), as Harbor does.
 */
export async function ingestEvent(req: IngestRequest): Promise<IngestResult> {
  const db = await getDb();
  // Reads first, outside the transaction: on SQLite the transaction holds the database's one
  // write lock, so it stays as short as three inserts. (A policy changed in between at worst
  // gets or misses this one event, as if it had changed a moment earlier or later.)
  const settings = await deliverySwitch();
  if (!settings.webhooksEnabled && !req.onlyPolicyId) {
    await db.systemSettings.update({ where: { id: 1 }, data: { skippedEvents: { increment: 1 } } });
    return { status: "skipped", reason: "webhooks_disabled" };
  }
  const budget = new StepBudget(MAX_MATCH_STEPS_PER_EVENT);
  const targets = (await candidateTargets(db, req.projectId, req.onlyPolicyId)).filter(
    (t) => req.onlyPolicyId || (policyEventTypes(t).includes(req.event.type) && filtersMatch(t, req.event, budget)),
  );
  const search = eventSearchFields(req.event);
  const result = await db.$transaction(async (tx): Promise<IngestResult> => {
    if (req.idempotencyKey) {
      const seen = await tx.event.findUnique({
        where: { projectId_idempotencyKey: { projectId: req.projectId, idempotencyKey: req.idempotencyKey } },
        select: { id: true, bodyHash: true, _count: { select: { executions: true } } },
      });
      // Events stored before body hashes were kept have none: they answer as duplicates, as before.
      if (seen && req.bodyHash && seen.bodyHash && seen.bodyHash !== req.bodyHash) {
        throw new AppError(
          "idempotency_key_reused",
          "this Idempotency-Key was already used with a different request body; use a new key for a new event",
          "Idempotency-Key",
        );
      }
      if (seen) return { status: "accepted", eventId: seen.id, deliveries: seen._count.executions, duplicate: true };
    }
    const now = new Date();
    const [event] = await tx.$queryRaw<{ id: number | bigint }[]>`
      INSERT INTO "Event" ("projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "idempotencyKey", "bodyHash", "repository", "tag", "digest", "createdAt")
      VALUES (${req.projectId}, ${req.event.type}, ${req.event.occur_at}, ${req.event.operator}, ${JSON.stringify(req.event.event_data)},
        ${req.requestId ?? crypto.randomUUID()}, ${req.source}, ${req.idempotencyKey ?? null}, ${req.bodyHash ?? null}, ${search.repository}, ${search.tag}, ${search.digest}, ${now})
      RETURNING "id"`;
    const eventId = Number(event.id);
    const deliveries = await createDeliveries(
      tx,
      { eventId, eventType: req.event.type, now },
      targets,
      settings.maxAttempts,
      req.onlyPolicyId ? "MANUAL" : "EVENT",
    );
    return { status: "accepted", eventId, deliveries, duplicate: false };
  });
  if (result.status === "accepted" && result.deliveries > 0 && !result.duplicate) await notifyWorkers();
  return result;
}

type CandidateTarget = {
  policyId: number;
  targetId: number;
  targetType: string;
  eventTypes: string;
  repoPattern: string | null;
  tagPattern: string | null;
  maxAttempts: number | null;
};

/** Active targets of the project's enabled policies (or of one policy, for a test event), in one query. */
async function candidateTargets(db: Tx, projectId: number, onlyPolicyId?: number): Promise<CandidateTarget[]> {
  const which = onlyPolicyId ? Prisma.sql`p."id" = ${onlyPolicyId}` : Prisma.sql`p."enabled" = TRUE`;
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT p."id" AS "policyId", w."id" AS "targetId", w."type" AS "targetType", p."eventTypes", p."repoPattern", p."tagPattern", p."maxAttempts"
    FROM "WebhookPolicy" p JOIN "WebhookTarget" w ON w."policyId" = p."id"
    WHERE p."projectId" = ${projectId} AND ${which} AND w."status" = 'active'
    ORDER BY p."id", w."position"`;
  return rows.map((r) => ({
    policyId: Number(r.policyId),
    targetId: Number(r.targetId),
    targetType: String(r.targetType),
    eventTypes: String(r.eventTypes),
    repoPattern: (r.repoPattern as string | null) ?? null,
    tagPattern: (r.tagPattern as string | null) ?? null,
    maxAttempts: r.maxAttempts === null || r.maxAttempts === undefined ? null : Number(r.maxAttempts),
  }));
}

async function createDeliveries(
  tx: Tx,
  event: { eventId: number; eventType: string; now: Date },
  targets: CandidateTarget[],
  defaultAttempts: number,
  trigger: string,
) {
  if (targets.length === 0) return 0;
  const executions = await tx.$queryRaw<{ id: number | bigint; targetId: number | bigint }[]>`
    INSERT INTO "Execution" ("policyId", "targetId", "eventId", "eventType", "vendorType", "trigger", "startTime")
    VALUES ${Prisma.join(targets.map((t) => Prisma.sql`(${t.policyId}, ${t.targetId}, ${event.eventId}, ${event.eventType}, ${t.targetType === "slack" ? "SLACK" : "WEBHOOK"}, ${trigger}, ${event.now})`))}
    RETURNING "id", "targetId"`;
  // (policy, target) pairs are unique within an event, so the target id finds each execution.
  const executionOf = new Map(executions.map((e) => [Number(e.targetId), Number(e.id)]));
  await tx.$executeRaw`
    INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "maxAttempts", "nextAttemptAt", "createdAt", "updatedAt")
    VALUES ${Prisma.join(targets.map((t) => Prisma.sql`(${executionOf.get(t.targetId)!}, ${t.policyId}, ${t.targetId}, ${newMessageId()}, ${t.maxAttempts ?? defaultAttempts}, ${event.now}, ${event.now}, ${event.now})`))}`;
  return targets.length;
}
