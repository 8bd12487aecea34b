import { NextResponse } from "next/server";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { keepMissingAuthHeaders } from "@/lib/harbor-api/inputs";
import { policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { deletePolicy, targetWarnings, updatePolicy } from "@/lib/policies/service";
import { withTargetWarnings } from "@/lib/harbor-api/warnings";
import { toHarborPolicy } from "@/lib/policies/view";
import { assertTemplatesRender } from "@/lib/events/template-check";

/** GET …/webhook/policies/{id}; the auth header masked, or empty for maintainers. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    return NextResponse.json(toHarborPolicy(policy, { showSecretsMasked: access.can("webhook.secrets") }));
  },
);

/**
 * PUT …/webhook/policies/{id}: the whole policy, as Harbor. A masked or missing auth header keeps
 * the stored one while the address keeps its origin (the policy service's rule), and a masked Slack
 * URL keeps the stored one. A refused address is named in X-Harbor-Notifier-Warning. Answers the updated policy (Harbor's body is empty; its clients ignore ours).
 */
export const PUT = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access, json, parse }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const input = parse(policyInputSchema, keepMissingAuthHeaders(await json()));
    assertTemplatesRender(input.targets, policy.targets);
    const updated = await updatePolicy(access, policy.id, input);
    const res = NextResponse.json(toHarborPolicy(updated, { showSecretsMasked: access.can("webhook.secrets") }));
    return withTargetWarnings(res, await targetWarnings(access, updated.targets));
  },
);

/** DELETE …/webhook/policies/{id} → 200; its pending deliveries are stopped. */
export const DELETE = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    await deletePolicy(access, policy.id);
    return okEmpty();
  },
);
