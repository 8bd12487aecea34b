import { notFound } from "@/lib/errors";
import { taskLogText } from "@/lib/history/queries";
import {
  executionOf,
  harborRoute,
  idParam,
  policyOf,
  webhookProject,
  type TaskParams,
} from "@/lib/harbor-api/route-helpers";

/** GET …/tasks/{task_id}/log: the task's log lines, text/plain, as Harbor. */
export const GET = harborRoute<TaskParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const text = await taskLogText(policy.id, idParam(params.task_id, "task"), execution.id);
  if (text === null) throw notFound("task");
  return new Response(text, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
});
