import { NextResponse } from "next/server";
import { AppError, notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { apiRoute } from "@/lib/api/route";
import { redeliverTask } from "@/lib/delivery/task-control";
import { executionOf, policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/**
 * POST …/tasks/{task_id}/redeliver → 202: sends a finished task again with the same webhook-id.
 * A task still pending or running is a 409.
 */
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const execution = await executionOf(policy.id, params.execution_id);
    const taskId = rowIdOr404(params.task_id, "task");
    if (!execution.tasks.some((t) => t.id === taskId)) throw notFound("task");
    const n = await redeliverTask(access, policy.id, taskId);
    if (n === 0)
      throw new AppError("conflict", "the task is still pending or running; stop it or wait for it to finish");
    return NextResponse.json({ redelivered: n }, { status: 202 });
  },
);
