import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { cursorPage, decodeCursor } from "@/lib/api/cursor";
import type { Actor } from "@/lib/auth/actor";
import { actorName } from "@/lib/auth/actor";
import type { ProjectAccess } from "@/lib/auth/access";
import type { ApiKeyMode } from "@/lib/auth/api-keys";
import { dialect, getDb, type Tx } from "@/lib/db/client";
import { assertUrlAllowed, NetworkGuardError, refusalHint } from "@/lib/delivery/network-guard";
import type { RetryPolicyInput } from "@/lib/shared/retry-policy";
import type { Conditions } from "@/lib/shared/conditions";
import { EVENT_TYPES, isEventType, type AnyEventType } from "@/lib/shared/events";
import type { PolicyInput } from "@/lib/shared/policy-input";
import { recordStateChange } from "@/lib/delivery/alert-record";
import { prismaRunner } from "@/lib/db/raw";
import {
  applyPolicyUpdate,
  deletePolicy,
  findPolicy,
  insertPolicy,
  policyEventTypes,
  resumeInTransaction,
  rotateSigningKey,
  type PolicyWithTargets,
} from "@/lib/policies/service";
import { allowedNetworks, getSettings } from "@/lib/settings/settings";
import {
  DESTINATION_ID_PATTERN,
  METADATA_MAX_BYTES,
  type DestinationCreateInput,
  type DestinationStatus,
  type DestinationUpdateInput,
} from "@/lib/destinations/schemas";
import { retryOverrides } from "@/lib/destinations/view";

/**
 * Destinations (the /v1 API) are webhook policies of kind "destination" with exactly one HTTP
 * target in the Default format. Creating, updating, deleting and key rotation go through the
 * policy service, so a destination is delivered, signed and recorded like any policy.
 */

type ApiKeyActor = Extract<Actor, { kind: "apiKey" }>;
/**
 * The /v1 API acts with an API key in its own project, on the destinations of the key's mode: a
 * test-mode key sees and changes test destinations only, a live key live ones only.
 */
type KeyAccess<P extends "webhook.read" | "webhook.manage" | "webhook.secrets"> = ProjectAccess<P, ApiKeyActor>;
type ReadAccess = KeyAccess<"webhook.read" | "webhook.manage">;
type AnyKeyAccess = KeyAccess<"webhook.read" | "webhook.manage" | "webhook.secrets">;

export const destinationNotFound = () =>
  new AppError("destination_not_found", "no destination with this id in the API key's project and mode", "id");

/**
 * The destinations a key may see and change, as a `where` fragment: its project's, of its mode.
 * Every lookup and list of this module starts from it, so none can reach another mode's.
 */
function destinationScope(access: AnyKeyAccess) {
  return { projectId: access.project.id, kind: "destination", mode: access.actor.mode };
}

/**
 * A destination the key may see, by its public id. Another project's or another mode's is
 * destination_not_found, as an unknown id (the spec's 404: its existence is not told).
 */
export async function getDestination(access: ReadAccess, publicId: string): Promise<PolicyWithTargets> {
  return destinationOf(access, publicId);
}

async function destinationOf(access: AnyKeyAccess, publicId: string): Promise<PolicyWithTargets> {
  if (!DESTINATION_ID_PATTERN.test(publicId)) throw destinationNotFound();
  const db = await getDb();
  const row = await db.webhookPolicy.findFirst({
    where: { publicId, ...destinationScope(access) },
    select: { id: true },
  });
  const policy = row && (await findPolicy(access.project.id, row.id, "destination"));
  if (!policy) throw destinationNotFound();
  return policy;
}

/**
 * The URL rules of the spec: http(s) only, plain HTTP only with a test-mode key, and a host that
 * resolves to an address deliveries may reach (the network guard and its allow-list).
 */
export async function checkDestinationUrl(url: string, mode: ApiKeyMode): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("invalid_url", "url is not an absolute URL", "url");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new AppError("invalid_url", `url must use https:// (not ${parsed.protocol})`, "url");
  }
  if (parsed.protocol === "http:" && mode !== "test") {
    throw new AppError(
      "invalid_url",
      "url must use https://; plain http:// is accepted only with a test-mode key (hk_test_…)",
      "url",
    );
  }
  if (parsed.username || parsed.password) {
    throw new AppError(
      "invalid_url",
      "url must not contain credentials (user:password@); check the webhook-signature header of each delivery instead",
      "url",
    );
  }
  const settings = await getSettings();
  try {
    await assertUrlAllowed(parsed.toString(), allowedNetworks(settings));
  } catch (err) {
    if (err instanceof NetworkGuardError) {
      if (err.code === "invalid_url") throw new AppError("invalid_url", err.message, "url");
      // An API key is no system admin: the hint says to ask one (never, for metadata addresses).
      const why = err.refusal ? refusalHint(err.refusal, "projectAdmin", parsed.hostname) : err.message;
      throw new AppError("url_not_reachable", `url is not reachable from this server: ${why}`, "url");
    }
    throw err;
  }
}

function assertMetadataSize(metadata: Record<string, unknown>): string {
  const json = JSON.stringify(metadata);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > METADATA_MAX_BYTES) {
    throw new AppError(
      "metadata_too_large",
      `metadata is ${bytes} bytes as JSON; the limit is ${METADATA_MAX_BYTES} bytes (8 KB)`,
      "metadata",
    );
  }
  return json;
}

/** The policy input a destination stands for: one HTTP target, Default payloads, no filters. */
function destinationPolicyInput(d: {
  url: string;
  name: string;
  eventTypes: AnyEventType[];
  retry: RetryPolicyInput | null;
  /** undefined: the stored conditions stay */
  conditions?: Conditions | null;
  /** undefined: the stored window stays */
  groupingWindow?: number | null;
}): PolicyInput {
  return {
    name: d.name,
    description: "",
    enabled: true,
    event_types: d.eventTypes,
    targets: [{ type: "http", address: d.url, auth_header: null, skip_cert_verify: false, payload_format: "Default" }],
    repository_pattern: null,
    tag_pattern: null,
    retry_policy: d.retry,
    conditions: d.conditions,
    grouping_window_seconds: d.groupingWindow,
  };
}

/**
 * Pausing by a client holds the target: its pending deliveries wait and nothing new is queued. A
 * pause of a destination that existed is an operator alert; one created paused changed no state.
 */
async function applyStatus(
  tx: Tx,
  actor: Actor,
  policy: PolicyWithTargets,
  status: DestinationStatus,
  { created = false } = {},
) {
  const target = policy.targets[0];
  if (!target) return;
  if (status === "paused" && target.status !== "paused") {
    const now = new Date();
    const reason = `paused by ${actorName(actor)} at ${now.toISOString()}`;
    await tx.webhookTarget.update({
      where: { id: target.id },
      data: { status: "paused", pausedAt: now, pausedReason: reason },
    });
    await recordAudit(tx, actor, "target.pause", { type: "target", id: target.id, projectId: policy.projectId });
    if (!created)
      await recordStateChange(prismaRunner(tx), {
        kind: "target_paused",
        targetId: target.id,
        cause: "person",
        reason,
        operator: actorName(actor),
        at: now,
      });
  }
  if (status === "active") {
    if (!policy.enabled) await tx.webhookPolicy.update({ where: { id: policy.id }, data: { enabled: true } });
    if (target.status !== "active") await resumeInTransaction(tx, actor, target, policy.projectId);
  }
}

/** Serialises destination creation per project on PostgreSQL, so the limit holds under concurrency (SQLite writes are serial already). */
async function lockProject(tx: Tx, projectId: number) {
  if (dialect() === "postgresql") await tx.$queryRaw`SELECT "id" FROM "Project" WHERE "id" = ${projectId} FOR UPDATE`;
}

export async function createDestination(access: KeyAccess<"webhook.manage">, input: DestinationCreateInput) {
  const { actor, project } = access;
  await checkDestinationUrl(input.url, actor.mode);
  const metadata = assertMetadataSize(input.metadata ?? {});
  const settings = await getSettings();
  const db = await getDb();
  return db.$transaction(async (tx) => {
    await lockProject(tx, project.id);
    const count = await tx.webhookPolicy.count({ where: { projectId: project.id, kind: "destination" } });
    if (count >= settings.destinationLimit) {
      throw new AppError(
        "over_destination_limit",
        `this project already has ${count} destinations; the limit is ${settings.destinationLimit}`,
      );
    }
    const policyInput = destinationPolicyInput({
      url: input.url,
      name: input.name ?? "",
      eventTypes: input.event_types ?? [...EVENT_TYPES],
      retry: input.retry_policy ?? null,
      conditions: input.conditions ?? null,
      groupingWindow: input.grouping_window_seconds ?? null,
    });
    const { policy, signingSecret } = await insertPolicy(tx, access, policyInput, "destination", {
      metadata,
      mode: actor.mode,
    });
    if (input.status === "paused") await applyStatus(tx, actor, policy, "paused", { created: true });
    const created = (await tx.webhookPolicy.findUnique({
      where: { id: policy.id },
      include: { targets: { orderBy: { position: "asc" } } },
    }))!;
    return { destination: created, signingSecret };
  });
}

/** PATCH: fields given replace the stored ones (metadata and retry_policy as whole objects). */
export async function updateDestination(
  access: KeyAccess<"webhook.manage">,
  publicId: string,
  input: DestinationUpdateInput,
) {
  const { actor } = access;
  const existing = await destinationOf(access, publicId);
  const currentUrl = existing.targets[0]?.address ?? "";
  if (input.url !== undefined && input.url !== currentUrl) await checkDestinationUrl(input.url, actor.mode);
  const metadata = input.metadata !== undefined ? assertMetadataSize(input.metadata) : undefined;
  const policyInput = destinationPolicyInput({
    url: input.url ?? currentUrl,
    name: input.name ?? existing.name,
    eventTypes: input.event_types ?? policyEventTypes(existing).filter(isEventType),
    retry: input.retry_policy !== undefined ? input.retry_policy : retryOverrides(existing),
    conditions: input.conditions,
    groupingWindow: input.grouping_window_seconds,
  });
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const updated = await applyPolicyUpdate(
      tx,
      access,
      existing,
      policyInput,
      metadata !== undefined ? { metadata } : {},
    );
    if (input.status) await applyStatus(tx, actor, updated, input.status);
    return (await tx.webhookPolicy.findUnique({
      where: { id: existing.id },
      include: { targets: { orderBy: { position: "asc" } } },
    }))!;
  });
}

/** Deletes a destination; its pending deliveries are stopped in the same transaction. */
export async function deleteDestination(access: KeyAccess<"webhook.manage">, publicId: string) {
  const existing = await destinationOf(access, publicId);
  await deletePolicy(access, existing.id, "destination");
}

export async function rotateDestinationKey(access: KeyAccess<"webhook.secrets">, publicId: string) {
  const existing = await destinationOf(access, publicId);
  return rotateSigningKey(access, existing.id, "destination");
}

function statusWhere(status: DestinationStatus | undefined) {
  if (status === "active") return { enabled: true, targets: { some: { status: "active" } } };
  if (status === "paused") return { OR: [{ enabled: false }, { targets: { some: { status: "paused" } } }] };
  return {};
}

/** A page of the destinations of the key's project and mode, newest first. */
export async function listDestinations(
  access: ReadAccess,
  opts: { limit: number; cursor?: string; status?: DestinationStatus },
) {
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const db = await getDb();
  const rows = await db.webhookPolicy.findMany({
    where: {
      ...destinationScope(access),
      ...(after ? { id: { lt: after } } : {}),
      ...statusWhere(opts.status),
    },
    include: { targets: { orderBy: { position: "asc" } } },
    orderBy: { id: "desc" },
    take: opts.limit + 1,
  });
  return cursorPage(rows, opts.limit);
}

/** A page of a destination's deliveries (one task per event), newest first, with their attempts. */
export async function listDestinationDeliveries(
  access: ReadAccess,
  publicId: string,
  opts: { limit: number; cursor?: string },
) {
  const destination = await destinationOf(access, publicId);
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  const db = await getDb();
  const rows = await db.task.findMany({
    where: { policyId: destination.id, ...(after ? { id: { lt: after } } : {}) },
    include: { attempts: { orderBy: { number: "asc" } }, execution: { select: { eventType: true, eventId: true } } },
    orderBy: { id: "desc" },
    take: opts.limit + 1,
  });
  return cursorPage(rows, opts.limit);
}
