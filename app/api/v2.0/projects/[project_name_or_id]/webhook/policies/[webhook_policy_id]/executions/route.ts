import { pagedJson } from "@/lib/api/pagination";
import { apiRoute } from "@/lib/api/route";
import { executionPage } from "@/lib/harbor-api/lists";
import { toHarborExecution } from "@/lib/harbor-api/mappers";
import { policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/policies/{id}/executions, newest first unless sorted; q=status=Error,id=42,start_time=[a~b]. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ req, params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const { paging, total, items } = await executionPage(policy.id, req.nextUrl.searchParams);
    return pagedJson(req, items.map(toHarborExecution), paging, total);
  },
);
