import { NextResponse } from "next/server";
import { AppError, notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { pagedJson } from "@/lib/api/pagination";
import { created, okEmpty } from "@/lib/api/responses";
import type { RequestContext } from "@/lib/api/route";
import { webhookScopeId, type WebhookAccess } from "@/lib/auth/access";
import { redeliverFailed, redeliverTask, stopExecution } from "@/lib/delivery/task-control";
import { assertTemplatesRender } from "@/lib/events/template-check";
import {
  executionPatchSchema,
  keepMissingAuthHeaders,
  redeliverRangeSchema,
  resumeTargetsSchema,
} from "@/lib/harbor-api/inputs";
import { harborLastTriggers } from "@/lib/harbor-api/last-trigger";
import { executionPage, policyPage, taskPage } from "@/lib/harbor-api/lists";
import { toHarborExecution } from "@/lib/harbor-api/mappers";
import { withTargetWarnings } from "@/lib/harbor-api/warnings";
import { getExecution, taskLogText } from "@/lib/history/queries";
import {
  createPolicy,
  deletePolicy,
  findPolicy,
  resumeTarget,
  rotateSigningKey,
  targetWarnings,
  updatePolicy,
} from "@/lib/policies/service";
import { toHarborPolicy } from "@/lib/policies/view";
import { policyInputSchema } from "@/lib/shared/policy-input";

/**
 * Harbor's webhook API, one handler per operation, for both scopes: a project's policies
 * (/api/v2.0/projects/{p}/webhook/…) and the instance-wide ones (/api/v2.0/system/webhook/…). The
 * route files declare who may call them; the access value they pass says which policies are seen.
 */
type Ctx<P extends "webhook.read" | "webhook.manage"> = RequestContext & { access: WebhookAccess<P> };
type Read = Ctx<"webhook.read">;
type Manage = Ctx<"webhook.manage">;

/** A policy of the access's scope; another scope's policy id is a 404. */
export async function policyOf(access: WebhookAccess, idValue: string) {
  const policy = await findPolicy(webhookScopeId(access), rowIdOr404(idValue, "webhook policy"));
  if (!policy) throw notFound("webhook policy");
  return policy;
}

/** An execution of this policy; another policy's execution id is a 404. */
export async function executionOf(policyId: number, idValue: string) {
  const execution = await getExecution(policyId, rowIdOr404(idValue, "execution"));
  if (!execution) throw notFound("execution");
  return execution;
}

/** GET …/policies: page, page_size (≤ 100), q=name=~x, sort; X-Total-Count and Link. */
export async function listPoliciesHandler({ req, access }: Read) {
  const { paging, total, items } = await policyPage(webhookScopeId(access), req.nextUrl.searchParams);
  const showSecretsMasked = access.can("webhook.secrets");
  return pagedJson(
    req,
    items.map((p) => toHarborPolicy(p, { showSecretsMasked })),
    paging,
    total,
  );
}

/**
 * POST …/policies → 201 + Location. Harbor answers with an empty body; we add the id and the
 * signing secret, which is shown this once. A target the network guard would refuse is still
 * saved, and named in X-Harbor-Notifier-Warning.
 */
export async function createPolicyHandler({ req, access, body }: Manage) {
  const input = await body(policyInputSchema);
  assertTemplatesRender(input.targets);
  const { policy, signingSecret } = await createPolicy(access, input);
  const res = created(req, policy.id, { id: policy.id, signing_secret: signingSecret });
  return withTargetWarnings(res, await targetWarnings(access, input.targets));
}

/** GET …/policies/{id}; the auth header masked, or empty for maintainers. */
export async function getPolicyHandler({ params, access }: Read) {
  const policy = await policyOf(access, params.webhook_policy_id);
  return NextResponse.json(toHarborPolicy(policy, { showSecretsMasked: access.can("webhook.secrets") }));
}

/**
 * PUT …/policies/{id}: the whole policy, as Harbor. A masked or missing auth header keeps the
 * stored one while the address keeps its origin (the policy service's rule), and a masked Slack
 * URL keeps the stored one. A refused address is named in X-Harbor-Notifier-Warning. Answers the
 * updated policy (Harbor's body is empty; its clients ignore ours).
 */
export async function updatePolicyHandler({ params, access, json, parse }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const input = parse(policyInputSchema, keepMissingAuthHeaders(await json()));
  assertTemplatesRender(input.targets, policy.targets);
  const updated = await updatePolicy(access, policy.id, input);
  const res = NextResponse.json(toHarborPolicy(updated, { showSecretsMasked: access.can("webhook.secrets") }));
  return withTargetWarnings(res, await targetWarnings(access, updated.targets));
}

/** DELETE …/policies/{id} → 200; its pending deliveries are stopped. */
export async function deletePolicyHandler({ params, access }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  await deletePolicy(access, policy.id);
  return okEmpty();
}

/** GET …/policies/{id}/executions, newest first unless sorted; q=status=Error,id=42,start_time=[a~b]. */
export async function listExecutionsHandler({ req, params, access }: Read) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const { paging, total, items } = await executionPage(policy.id, req.nextUrl.searchParams);
  return pagedJson(req, items.map(toHarborExecution), paging, total);
}

/** GET …/executions/{execution_id} */
export async function getExecutionHandler({ params, access }: Read) {
  const policy = await policyOf(access, params.webhook_policy_id);
  return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
}

/**
 * PATCH …/executions/{execution_id} `{"status":"Stopped"}` stops its pending or running delivery.
 * An execution that already finished stays as it is. Answers the execution.
 */
export async function stopExecutionHandler({ params, access, body }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  await body(executionPatchSchema);
  await stopExecution(access, policy.id, execution.id);
  return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
}

/** GET …/executions/{execution_id}/tasks, each with its webhook-id and attempts. */
export async function listTasksHandler({ req, params, access }: Read) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const { paging, total, items } = await taskPage(policy.id, execution.id, req.nextUrl.searchParams);
  return pagedJson(req, items, paging, total);
}

/** GET …/tasks/{task_id}/log: the task's log lines, text/plain, as Harbor. */
export async function taskLogHandler({ params, access }: Read) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const text = await taskLogText(policy.id, rowIdOr404(params.task_id, "task"), execution.id);
  if (text === null) throw notFound("task");
  return new Response(text, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * POST …/tasks/{task_id}/redeliver → 202: sends a finished task again with the same webhook-id.
 * A task still pending or running is a 409.
 */
export async function redeliverTaskHandler({ params, access }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const taskId = rowIdOr404(params.task_id, "task");
  if (!execution.tasks.some((t) => t.id === taskId)) throw notFound("task");
  const n = await redeliverTask(access, policy.id, taskId);
  if (n === 0) throw new AppError("conflict", "the task is still pending or running; stop it or wait for it to finish");
  return NextResponse.json({ redelivered: n }, { status: 202 });
}

/** POST …/policies/{id}/redeliver `{from, to, include_stopped?}` → 202: redelivers the failed tasks created in that range. */
export async function redeliverRangeHandler({ params, access, body }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const range = await body(redeliverRangeSchema);
  const n = await redeliverFailed(access, policy.id, {
    from: range.from,
    to: range.to,
    includeStopped: range.include_stopped,
  });
  return NextResponse.json({ redelivered: n }, { status: 202 });
}

/**
 * POST …/policies/{id}/resume `{address?, redeliver?}` → 200: unpauses the policy's paused targets (or
 * the one at `address`); with `redeliver`, what failed since each started failing is sent again.
 */
export async function resumeTargetsHandler({ params, access, body }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const input = await body(resumeTargetsSchema);
  const named =
    input.address === undefined ? policy.targets : policy.targets.filter((t) => t.address === input.address);
  if (named.length === 0) throw new AppError("not_found", "the policy has no target at this address", "address");
  let resumed = 0;
  let redelivered = 0;
  for (const target of named.filter((t) => t.status === "paused")) {
    const r = await resumeTarget(access, policy.id, target.id, { redeliver: input.redeliver });
    resumed += 1;
    redelivered += r.redelivered;
  }
  return NextResponse.json({ resumed, redelivered });
}

/**
 * POST …/policies/{id}/signing-keys/rotate: a new signing secret, shown this once; the previous
 * keys keep signing until `previous_keys_expire_at`.
 */
export async function rotateSigningKeyHandler({ params, access }: Manage) {
  const policy = await policyOf(access, params.webhook_policy_id);
  const { signingSecret, previousKeysExpireAt } = await rotateSigningKey(access, policy.id);
  return NextResponse.json({
    signing_secret: signingSecret,
    previous_keys_expire_at: previousKeysExpireAt.toISOString(),
  });
}

/** GET …/webhook/lasttrigger: per policy and event type, when it last triggered. */
export async function lastTriggerHandler({ access }: Read) {
  return NextResponse.json(await harborLastTriggers(webhookScopeId(access)));
}
