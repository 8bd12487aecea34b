import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { rotateSigningKey } from "@/lib/policies/service";

/**
 * POST …/policies/{id}/signing-keys/rotate: a new signing secret, shown this once; the previous
 * keys keep signing until `previous_keys_expire_at`.
 */
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const { signingSecret, previousKeysExpireAt } = await rotateSigningKey(access, policy.id);
    return NextResponse.json({
      signing_secret: signingSecret,
      previous_keys_expire_at: previousKeysExpireAt.toISOString(),
    });
  },
);
