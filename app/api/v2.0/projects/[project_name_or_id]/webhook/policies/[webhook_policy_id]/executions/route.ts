import { pagedJson } from "@/lib/api/pagination";
import { executionPage } from "@/lib/harbor-api/lists";
import { toHarborExecution } from "@/lib/harbor-api/mappers";
import { harborRoute, policyOf, webhookProject, type PolicyParams } from "@/lib/harbor-api/route-helpers";

/** GET …/policies/{id}/executions, newest first unless sorted; q=status=Error,id=42,start_time=[a~b]. */
export const GET = harborRoute<PolicyParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const { paging, total, items } = await executionPage(policy.id, req.nextUrl.searchParams);
  return pagedJson(req, items.map(toHarborExecution), paging, total);
});
