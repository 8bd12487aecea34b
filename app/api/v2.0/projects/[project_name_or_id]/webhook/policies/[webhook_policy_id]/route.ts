import { NextResponse } from "next/server";
import { parseWith, readJson } from "@/lib/api/route";
import { keepMissingAuthHeaders } from "@/lib/harbor-api/inputs";
import { harborRoute, okEmpty, policyOf, webhookProject, type PolicyParams } from "@/lib/harbor-api/route-helpers";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { deletePolicy, updatePolicy } from "@/lib/policies/service";
import { toHarborPolicy } from "@/lib/policies/view";

/** GET …/webhook/policies/{id}; the auth header masked, or empty for maintainers. */
export const GET = harborRoute<PolicyParams>(async ({ params, actor }) => {
  const { project, showSecrets } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  return NextResponse.json(toHarborPolicy(policy, { showSecretsMasked: showSecrets }));
});

/**
 * PUT …/webhook/policies/{id}: the whole policy, as Harbor. A masked or missing auth header keeps
 * the stored one. Answers the updated policy (Harbor's body is empty; its clients ignore ours).
 */
export const PUT = harborRoute<PolicyParams>(async ({ req, params, actor }) => {
  const { project, showSecrets } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const input = parseWith(policyInputSchema, keepMissingAuthHeaders(await readJson(req)));
  const updated = await updatePolicy(actor, project, policy.id, input);
  return NextResponse.json(toHarborPolicy(updated, { showSecretsMasked: showSecrets }));
});

/** DELETE …/webhook/policies/{id} → 200; its pending deliveries are stopped. */
export const DELETE = harborRoute<PolicyParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  await deletePolicy(actor, project, policy.id);
  return okEmpty();
});
