import { pagedJson } from "@/lib/api/pagination";
import { parseWith, readJson } from "@/lib/api/route";
import { policyPage } from "@/lib/harbor-api/lists";
import { created, harborRoute, webhookProject, type ProjectParams } from "@/lib/harbor-api/route-helpers";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { createPolicy } from "@/lib/policies/service";
import { toHarborPolicy } from "@/lib/policies/view";

/** GET …/webhook/policies: page, page_size (≤ 100), q=name=~x, sort; X-Total-Count and Link. */
export const GET = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  const { project, showSecrets } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const { paging, total, items } = await policyPage(project.id, req.nextUrl.searchParams);
  return pagedJson(
    req,
    items.map((p) => toHarborPolicy(p, { showSecretsMasked: showSecrets })),
    paging,
    total,
  );
});

/**
 * POST …/webhook/policies → 201 + Location. Harbor answers with an empty body; we add the id and
 * the signing secret, which is shown this once.
 */
export const POST = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const input = parseWith(policyInputSchema, await readJson(req));
  const { policy, signingSecret } = await createPolicy(actor, project, input);
  return created(req, policy.id, { id: policy.id, signing_secret: signingSecret });
});
