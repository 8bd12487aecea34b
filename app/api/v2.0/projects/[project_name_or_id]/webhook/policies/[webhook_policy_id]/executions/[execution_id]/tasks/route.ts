import { pagedJson } from "@/lib/api/pagination";
import { taskPage } from "@/lib/harbor-api/lists";
import {
  executionOf,
  harborRoute,
  policyOf,
  webhookProject,
  type ExecutionParams,
} from "@/lib/harbor-api/route-helpers";

/** GET …/executions/{execution_id}/tasks, each with its webhook-id and attempts. */
export const GET = harborRoute<ExecutionParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const { paging, total, items } = await taskPage(policy.id, execution.id, req.nextUrl.searchParams);
  return pagedJson(req, items, paging, total);
});
