import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { apiRoute } from "@/lib/api/route";
import { taskLogText } from "@/lib/history/queries";
import { executionOf, policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/tasks/{task_id}/log: the task's log lines, text/plain, as Harbor. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const execution = await executionOf(policy.id, params.execution_id);
    const text = await taskLogText(policy.id, rowIdOr404(params.task_id, "task"), execution.id);
    if (text === null) throw notFound("task");
    return new Response(text, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  },
);
