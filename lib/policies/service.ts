import { AppError, invalid, notFound } from "@/lib/errors";
import { actorName, type Actor } from "@/lib/auth/actor";
import { recordStateChange } from "@/lib/delivery/alert-record";
import { prismaRunner } from "@/lib/db/raw";
import { webhookScopeId, type WebhookAccess } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { policyDiff } from "@/lib/audit/diff";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb, type Tx } from "@/lib/db/client";
import { generateSigningSecret } from "@/lib/delivery/signature";
import { publicPolicyId } from "@/lib/ids";
import { allowedNetworks, getSettings } from "@/lib/settings/settings";
import { previewUrl, refusalHint, type GuardAudience, type ResolveAll } from "@/lib/delivery/network-guard";
import { nameContains } from "@/lib/db/filters";
import { isOperationalEventType } from "@/lib/shared/events";
import {
  maskSecretUrl,
  operationalEventTypeMessage,
  policyNameTakenMessage,
  POLICY_NAME_MAX,
  sameOrigin,
  SECRET_MASK,
  type PolicyInput,
  type TargetInput,
} from "@/lib/shared/policy-input";
import { cancelPendingTasks, redeliverTargetFailures } from "@/lib/delivery/task-control";
import { keptCustomHeaders } from "@/lib/delivery/custom-headers";
import { nameLookAlikeKey, normalizeName } from "@/lib/shared/unicode";

/** Changing a project's webhooks (or the instance-wide ones): the access its route or action was checked for. */
export type WebhookManageAccess = WebhookAccess<"webhook.manage">;
/** Rotating a signing key: webhook.manage (Harbor API, UI) or webhook.secrets (/v1). */
export type SigningKeyAccess = WebhookAccess<"webhook.manage" | "webhook.secrets">;

export type PolicyWithTargets = NonNullable<Awaited<ReturnType<typeof findPolicy>>>;

const include = { targets: { orderBy: { position: "asc" as const } } };

/**
 * A policy of this project (never another project's: the project is part of the lookup); projectId
 * null: an instance-wide policy.
 */
export async function findPolicy(
  projectId: number | null,
  policyId: number,
  kind: "policy" | "destination" | "any" = "policy",
) {
  if (!Number.isSafeInteger(policyId) || policyId <= 0) return null;
  const db = await getDb();
  return db.webhookPolicy.findFirst({
    where: { id: policyId, projectId, ...(kind === "any" ? {} : { kind }) },
    include,
  });
}

export async function getPolicyOrThrow(projectId: number | null, policyId: number) {
  const policy = await findPolicy(projectId, policyId);
  if (!policy) throw notFound("webhook policy");
  return policy;
}

/**
 * The policy of the project whose name is `name` or looks the same (nameLookAlikeKey: full-width
 * forms, ligatures, invisible characters stored earlier). Look-alikes cannot be told apart in a
 * list, so they count as the same name. The database compares bytes only: every name is compared here.
 */
async function samePolicyName(
  db: Pick<Tx, "webhookPolicy">,
  projectId: number | null,
  name: string,
  exceptId?: number,
): Promise<string | undefined> {
  const where = { projectId, kind: "policy", ...(exceptId ? { id: { not: exceptId } } : {}) };
  const exact = await db.webhookPolicy.findFirst({ where: { ...where, name }, select: { name: true } });
  if (exact) return exact.name;
  const key = nameLookAlikeKey(name);
  const names = await db.webhookPolicy.findMany({ where, select: { name: true } });
  return names.find((p) => nameLookAlikeKey(p.name) === key)?.name;
}

async function assertNameFree(tx: Tx, projectId: number | null, name: string, exceptId?: number) {
  const clash = await samePolicyName(tx, projectId, name, exceptId);
  if (clash !== undefined) throw new AppError("conflict", policyNameTakenMessage(clash, projectId === null), "name");
}

/** Operational event types reach instance-wide webhooks only (scope null). */
function assertEventTypesFit(scope: number | null, input: PolicyInput) {
  const operational = scope === null ? undefined : input.event_types.find(isOperationalEventType);
  if (operational)
    throw new AppError(
      "operational_event_type",
      `event_types: ${operationalEventTypeMessage(operational)}`,
      "event_types",
    );
}

export async function isPolicyNameTaken(projectId: number | null, name: string, exceptId?: number): Promise<boolean> {
  const db = await getDb();
  return (await samePolicyName(db, projectId, normalizeName(name.trim()), exceptId)) !== undefined;
}

function policyColumns(input: PolicyInput, scope: number | null) {
  return {
    // Only instance-wide policies are narrowed by project name; a project's own policy has none.
    projectPattern: scope === null ? input.project_pattern || null : null,
    name: input.name,
    description: input.description,
    enabled: input.enabled,
    eventTypes: JSON.stringify(input.event_types),
    repoPattern: input.repository_pattern ?? null,
    tagPattern: input.tag_pattern ?? null,
    maxAttempts: input.retry_policy?.max_attempts ?? null,
    backoffBaseMs: input.retry_policy?.backoff_base_ms ?? null,
    backoffCapMs: input.retry_policy?.backoff_cap_ms ?? null,
    timeoutMs: input.retry_policy?.timeout_ms ?? null,
    ...(input.conditions !== undefined
      ? { conditions: input.conditions ? JSON.stringify(input.conditions) : null }
      : {}),
    ...(input.grouping_window_seconds !== undefined ? { groupingWindowSeconds: input.grouping_window_seconds } : {}),
  };
}

/** A target as stored, as far as an update needs it. */
type StoredTarget = {
  position: number;
  type: string;
  authHeaderEnc: string | null;
  status: string;
  pausedReason: string | null;
  address: string;
  payloadFormat?: string;
  payloadTemplate?: string | null;
  contentType?: string | null;
  customHeadersEnc?: string | null;
};

/**
 * A masked secret URL (maskSecretUrl, what maintainers and Harbor clients read back) stands for the
 * stored URL it masks, of a target of the same type: the one at the same position, else any stored
 * target it matches. The type must match, so a masked Slack URL cannot be turned into an http
 * target's address (whose auth header, signatures and payloads would then go to it).
 */
function keptAddress(
  target: TargetInput,
  position: number,
  before: StoredTarget | undefined,
  previous: StoredTarget[],
): string {
  const { address } = target;
  if (!address.includes(SECRET_MASK)) return address;
  const stored = [before, ...previous].find((p) => p && p.type === target.type && maskSecretUrl(p.address) === address);
  if (!stored)
    throw invalid(`targets.${position}.address`, `targets.${position}.address: is masked; send the full URL`);
  return stored.address;
}

/**
 * The encrypted auth header of a target. A new value replaces the stored one; the mask keeps the
 * stored one only where it was sent before: the http target at the same position, on the same
 * origin (scheme, host and port). An address moved to another origin drops it, so a write-only
 * secret never follows a URL change to a host it was not given for; a path change keeps it.
 */
function keptAuthHeader(target: TargetInput, address: string, before: StoredTarget | undefined): string | null {
  if (target.type !== "http" || !target.auth_header) return null;
  if (target.auth_header !== SECRET_MASK) return encryptSecret(target.auth_header);
  if (!before || before.type !== "http" || !sameOrigin(before.address, address)) return null;
  return before.authHeaderEnc;
}

/**
 * The payload columns of a target. A Custom template left out (undefined: Harbor clients send only
 * Harbor's fields) keeps the stored one of the target at the same position, as does a left-out
 * content type. Callers check first that the template renders for every sample event
 * (lib/events/template-check.ts).
 */
function payloadColumns(target: TargetInput, position: number, before: StoredTarget | undefined) {
  const format = target.type === "slack" ? "Default" : target.payload_format || "Default";
  if (format !== "Custom") return { payloadFormat: format, payloadTemplate: null, contentType: null };
  const field = `targets.${position}.payload_template`;
  const template = target.payload_template !== undefined ? target.payload_template : (before?.payloadTemplate ?? null);
  const contentType = (target.content_type !== undefined ? target.content_type : before?.contentType) || null;
  if (!template)
    throw new AppError(
      "invalid_template",
      `${field}: enter a payload template for the Custom payload format, or start from a preset`,
      field,
    );
  return { payloadFormat: format, payloadTemplate: template, contentType };
}

/** Target rows for the input, the stored secrets kept where keptAddress and keptAuthHeader allow. */
function targetRows(input: PolicyInput, previous: StoredTarget[] = []) {
  return input.targets.map((t, position) => {
    const before = previous.find((p) => p.position === position);
    const address = keptAddress(t, position, before, previous);
    // Editing a target's address clears an automatic pause; an unchanged one keeps its state.
    const keep = before && before.address === address;
    return {
      position,
      type: t.type,
      address,
      authHeaderEnc: keptAuthHeader(t, address, before),
      skipCertVerify: t.type === "http" ? t.skip_cert_verify : false,
      ...payloadColumns(t, position, before),
      // Custom headers follow the auth header's rule: stored values stay with the http target's origin.
      customHeadersEnc:
        t.type === "http"
          ? keptCustomHeaders(
              t.custom_headers,
              before?.customHeadersEnc,
              !!before && before.type === "http" && sameOrigin(before.address, address),
              `targets.${position}.custom_headers`,
            )
          : null,
      status: keep ? before.status : "active",
      pausedReason: keep ? before.pausedReason : null,
    };
  });
}

export type PolicyKind = "policy" | "destination";

/** Columns only destinations carry (the Destinations API: metadata, the mode of its keys); policies keep their defaults. */
export type PolicyExtras = { metadata?: string; mode?: "live" | "test" };

/**
 * Inserts a policy (or a destination: kind "destination") with its targets and first signing key,
 * inside the caller's transaction. Names are unique among policies only; destinations may share one.
 */
export async function insertPolicy(
  tx: Tx,
  { actor, project }: WebhookManageAccess,
  input: PolicyInput,
  kind: PolicyKind = "policy",
  extras: PolicyExtras = {},
) {
  const signingSecret = generateSigningSecret();
  const scope = project?.id ?? null;
  assertEventTypesFit(scope, input);
  if (kind === "policy") await assertNameFree(tx, scope, input.name);
  const policy = await tx.webhookPolicy.create({
    data: {
      ...policyColumns(input, scope),
      ...extras,
      kind,
      publicId: publicPolicyId(kind === "destination" ? "dest" : "pol"),
      projectId: scope,
      creator: actorName(actor),
      targets: { create: targetRows(input) },
      signingKeys: { create: { secretEnc: encryptSecret(signingSecret) } },
    },
    include,
  });
  await recordAudit(tx, actor, `${kind}.create`, {
    type: kind,
    id: policy.id,
    projectId: scope,
    detail: policy.name,
  });
  return { policy, signingSecret };
}

/** Creates a policy with its targets and first signing key; the secret is returned only here. */
export async function createPolicy(access: WebhookManageAccess, input: PolicyInput) {
  const db = await getDb();
  return db.$transaction((tx) => insertPolicy(tx, access, input));
}

/** Replaces the fields and targets of an existing policy or destination, inside the caller's transaction. */
export async function applyPolicyUpdate(
  tx: Tx,
  { actor, project }: WebhookManageAccess,
  existing: PolicyWithTargets,
  input: PolicyInput,
  extras: PolicyExtras = {},
) {
  const policyId = existing.id;
  const kind = existing.kind as PolicyKind;
  const scope = project?.id ?? null;
  assertEventTypesFit(scope, input);
  if (kind === "policy") await assertNameFree(tx, scope, input.name, policyId);
  const rows = targetRows(input, existing.targets);
  await tx.webhookTarget.deleteMany({ where: { policyId, position: { gte: rows.length } } });
  for (const row of rows) {
    const current = existing.targets.find((t) => t.position === row.position);
    if (current) await tx.webhookTarget.update({ where: { id: current.id }, data: row });
    else await tx.webhookTarget.create({ data: { ...row, policyId } });
    // A new address ends a pause: told as any resume is.
    if (current?.status === "paused" && row.status === "active")
      await recordStateChange(prismaRunner(tx), {
        kind: "target_resumed",
        targetId: current.id,
        cause: "address_changed",
        reason: `resumed: the address was changed by ${actorName(actor)}`,
        operator: actorName(actor),
        at: new Date(),
      });
  }
  const updated = await tx.webhookPolicy.update({
    where: { id: policyId },
    data: { ...policyColumns(input, scope), ...extras },
    include,
  });
  await recordAudit(tx, actor, `${kind}.update`, {
    type: kind,
    id: policyId,
    projectId: scope,
    detail: JSON.stringify({ name: updated.name, diff: policyDiff(existing, updated) }),
  });
  return updated;
}

/** Replaces a policy's fields and targets (Harbor's PUT). */
export async function updatePolicy(access: WebhookManageAccess, policyId: number, input: PolicyInput) {
  const existing = await getPolicyOrThrow(webhookScopeId(access), policyId);
  const db = await getDb();
  return db.$transaction((tx) => applyPolicyUpdate(tx, access, existing, input));
}

export async function setPolicyEnabled(access: WebhookManageAccess, policyId: number, enabled: boolean) {
  const { actor } = access;
  const scope = webhookScopeId(access);
  await getPolicyOrThrow(scope, policyId);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.webhookPolicy.update({ where: { id: policyId }, data: { enabled } });
    await recordAudit(tx, actor, enabled ? "policy.enable" : "policy.disable", {
      type: "policy",
      id: policyId,
      projectId: scope,
    });
  });
}

/**
 * A target active again, in the caller's transaction: its failure count starts over and the audit log
 * says who resumed it; a target that was paused also gets an operator alert (lib/alerts).
 */
export async function resumeInTransaction(
  tx: Tx,
  actor: Actor,
  target: { id: number; status: string },
  projectId: number | null,
) {
  const targetId = target.id;
  await tx.webhookTarget.update({
    where: { id: targetId },
    data: { status: "active", pausedReason: null, pausedAt: null, consecutiveFailures: 0, firstFailureAt: null },
  });
  await recordAudit(tx, actor, "target.resume", { type: "target", id: targetId, projectId });
  if (target.status !== "paused") return;
  await recordStateChange(prismaRunner(tx), {
    kind: "target_resumed",
    targetId,
    cause: "person",
    reason: `resumed by ${actorName(actor)}`,
    operator: actorName(actor),
    at: new Date(),
  });
}

/**
 * Resumes a paused target (after an automatic pause or a 410); with `redeliver`, what ended in
 * Error since it started failing (or since its pause) is delivered again. Returns how many.
 */
export async function resumeTarget(
  access: WebhookManageAccess,
  policyId: number,
  targetId: number,
  opts: { redeliver?: boolean } = {},
): Promise<{ redelivered: number }> {
  const { actor } = access;
  const scope = webhookScopeId(access);
  const policy = await findPolicy(scope, policyId, "any");
  const target = policy?.targets.find((t) => t.id === targetId);
  if (!target) throw notFound("target");
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await resumeInTransaction(tx, actor, target, scope);
  });
  const since = target.firstFailureAt ?? target.pausedAt;
  if (!opts.redeliver || !since) return { redelivered: 0 };
  return { redelivered: await redeliverTargetFailures(access, policyId, targetId, since) };
}

/** Deletes a policy; its pending deliveries are stopped first, so nothing is sent after this. */
export async function deletePolicy(
  access: WebhookManageAccess,
  policyId: number,
  kind: "policy" | "destination" = "policy",
) {
  const { actor } = access;
  const scope = webhookScopeId(access);
  const policy = await findPolicy(scope, policyId, kind);
  if (!policy) throw notFound(kind === "policy" ? "webhook policy" : "destination");
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await cancelPendingTasks(tx, { policyId }, `${kind} deleted`);
    await tx.webhookPolicy.delete({ where: { id: policyId } });
    await recordAudit(tx, actor, `${kind}.delete`, {
      type: kind,
      id: policyId,
      projectId: scope,
      detail: policy.name,
    });
  });
}

/**
 * A new signing secret; the previous keys keep signing until the overlap ends, so receivers can
 * switch without dropping deliveries.
 */
export async function rotateSigningKey(
  access: SigningKeyAccess,
  policyId: number,
  kind: "policy" | "destination" = "policy",
) {
  const { actor } = access;
  const scope = webhookScopeId(access);
  const policy = await findPolicy(scope, policyId, kind);
  if (!policy) throw notFound(kind === "policy" ? "webhook policy" : "destination");
  const settings = await getSettings();
  const db = await getDb();
  const secret = generateSigningSecret();
  const expiresAt = new Date(Date.now() + settings.signingOverlapHours * 3_600_000);
  await db.$transaction(async (tx) => {
    await tx.signingKey.updateMany({
      where: { policyId, OR: [{ expiresAt: null }, { expiresAt: { gt: expiresAt } }] },
      data: { expiresAt },
    });
    await tx.signingKey.create({ data: { policyId, secretEnc: encryptSecret(secret) } });
    await recordAudit(tx, actor, "signing_key.rotate", { type: kind, id: policyId, projectId: scope });
  });
  return { signingSecret: secret, previousKeysExpireAt: expiresAt };
}

export function policyEventTypes(policy: { eventTypes: string }): string[] {
  try {
    const v = JSON.parse(policy.eventTypes);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** Lists a project's policies with paging, name filter and sort (Harbor's `q=name=~x`, `sort=-creation_time`). */
export async function listPolicies(
  projectId: number | null,
  opts: { page: number; pageSize: number; name?: string; sort?: string },
) {
  const db = await getDb();
  const where = { projectId, kind: "policy", ...nameContains(opts.name, POLICY_NAME_MAX) };
  const sortField = (opts.sort ?? "").replace(/^-/, "");
  const dir = opts.sort?.startsWith("-") ? ("desc" as const) : ("asc" as const);
  const column =
    ({ name: "name", creation_time: "createdAt", update_time: "updatedAt", enabled: "enabled", id: "id" } as const)[
      sortField as "name"
    ] ?? "id";
  const [total, items] = await Promise.all([
    db.webhookPolicy.count({ where }),
    db.webhookPolicy.findMany({
      where,
      include,
      orderBy: [{ [column]: opts.sort ? dir : "desc" }, { id: "desc" }],
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    }),
  ]);
  return { total, items };
}

/** A target the network guard would refuse (or cannot judge yet), told when the policy is saved. */
export type TargetWarning = { field: string; message: string };

/**
 * The save-time check: each target's host is resolved (bounded) and judged as the worker will
 * judge it. The policy is saved either way (as Harbor saves it); the warnings tell the person
 * saving it, in words for their role, before the first event fails.
 */
export async function targetWarnings(
  access: WebhookAccess,
  targets: readonly { address: string }[],
  opts: { resolve?: ResolveAll; timeoutMs?: number } = {},
): Promise<TargetWarning[]> {
  const allow = allowedNetworks(await getSettings());
  const audience: GuardAudience = access.actor.kind === "user" && access.actor.sysadmin ? "sysadmin" : "projectAdmin";
  const verdicts = await Promise.all(targets.map((t) => previewUrl(t.address, allow, opts)));
  const warnings: TargetWarning[] = [];
  verdicts.forEach((verdict, i) => {
    const field = `targets.${i}.address`;
    if (verdict.kind === "refused") {
      warnings.push({ field, message: refusalHint(verdict.refusal, audience, verdict.host) });
    } else if (verdict.kind === "unresolvable") {
      warnings.push({ field, message: `${verdict.detail}; deliveries will fail until the name resolves.` });
    }
  });
  return warnings;
}
