import { pagedJson } from "@/lib/api/pagination";
import { created } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { policyPage } from "@/lib/harbor-api/lists";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { createPolicy, targetWarnings } from "@/lib/policies/service";
import { withTargetWarnings } from "@/lib/harbor-api/warnings";
import { toHarborPolicy } from "@/lib/policies/view";
import { assertTemplatesRender } from "@/lib/events/template-check";

/** GET …/webhook/policies: page, page_size (≤ 100), q=name=~x, sort; X-Total-Count and Link. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ req, access }) => {
    const { paging, total, items } = await policyPage(access.project.id, req.nextUrl.searchParams);
    const showSecretsMasked = access.can("webhook.secrets");
    return pagedJson(
      req,
      items.map((p) => toHarborPolicy(p, { showSecretsMasked })),
      paging,
      total,
    );
  },
);

/**
 * POST …/webhook/policies → 201 + Location. Harbor answers with an empty body; we add the id and
 * the signing secret, which is shown this once. A target the network guard would refuse is still
 * saved, and named in X-Harbor-Notifier-Warning.
 */
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ req, access, body }) => {
    const input = await body(policyInputSchema);
    assertTemplatesRender(input.targets);
    const { policy, signingSecret } = await createPolicy(access, input);
    const res = created(req, policy.id, { id: policy.id, signing_secret: signingSecret });
    return withTargetWarnings(res, await targetWarnings(access, input.targets));
  },
);
