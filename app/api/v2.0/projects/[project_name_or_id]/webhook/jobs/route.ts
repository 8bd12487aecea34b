import { pagedJson } from "@/lib/api/pagination";
import { webhookJobPage } from "@/lib/harbor-api/lists";
import { toHarborWebhookJob } from "@/lib/harbor-api/mappers";
import { harborRoute, webhookProject, type ProjectParams } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/jobs?policy_id=&status=: Harbor's deprecated list of a policy's webhook jobs (its executions). */
export const GET = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const { paging, total, items } = await webhookJobPage(project.id, req.nextUrl.searchParams);
  return pagedJson(req, items.map(toHarborWebhookJob), paging, total);
});
