import { pagedJson } from "@/lib/api/pagination";
import { apiRoute } from "@/lib/api/route";
import { webhookJobPage } from "@/lib/harbor-api/lists";
import { toHarborWebhookJob } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/jobs?policy_id=&status=: Harbor's deprecated list of a policy's webhook jobs (its executions). */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ req, access }) => {
    const { paging, total, items } = await webhookJobPage(access.project.id, req.nextUrl.searchParams);
    return pagedJson(req, items.map(toHarborWebhookJob), paging, total);
  },
);
