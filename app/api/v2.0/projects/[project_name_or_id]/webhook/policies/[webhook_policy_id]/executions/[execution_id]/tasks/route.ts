import { pagedJson } from "@/lib/api/pagination";
import { apiRoute } from "@/lib/api/route";
import { taskPage } from "@/lib/harbor-api/lists";
import { executionOf, policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/executions/{execution_id}/tasks, each with its webhook-id and attempts. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ req, params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const execution = await executionOf(policy.id, params.execution_id);
    const { paging, total, items } = await taskPage(policy.id, execution.id, req.nextUrl.searchParams);
    return pagedJson(req, items, paging, total);
  },
);
