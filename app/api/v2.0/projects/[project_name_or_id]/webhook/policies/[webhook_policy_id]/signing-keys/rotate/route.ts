import { NextResponse } from "next/server";
import { harborRoute, policyOf, webhookProject, type PolicyParams } from "@/lib/harbor-api/route-helpers";
import { rotateSigningKey } from "@/lib/policies/service";

/**
 * POST …/policies/{id}/signing-keys/rotate: a new signing secret, shown this once; the previous
 * keys keep signing until `previous_keys_expire_at`.
 */
export const POST = harborRoute<PolicyParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const { signingSecret, previousKeysExpireAt } = await rotateSigningKey(actor, project, policy.id);
  return NextResponse.json({
    signing_secret: signingSecret,
    previous_keys_expire_at: previousKeysExpireAt.toISOString(),
  });
});
