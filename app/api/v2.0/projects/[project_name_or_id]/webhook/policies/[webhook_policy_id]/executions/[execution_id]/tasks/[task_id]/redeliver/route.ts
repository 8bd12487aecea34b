import { NextResponse } from "next/server";
import { AppError, notFound } from "@/lib/errors";
import { redeliverTask } from "@/lib/delivery/task-control";
import {
  executionOf,
  harborRoute,
  idParam,
  policyOf,
  webhookProject,
  type TaskParams,
} from "@/lib/harbor-api/route-helpers";

/**
 * POST …/tasks/{task_id}/redeliver → 202: sends a finished task again with the same webhook-id.
 * A task still pending or running is a 409.
 */
export const POST = harborRoute<TaskParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  const taskId = idParam(params.task_id, "task");
  if (!execution.tasks.some((t) => t.id === taskId)) throw notFound("task");
  const n = await redeliverTask(actor, policy.id, taskId);
  if (n === 0) throw new AppError("conflict", "the task is still pending or running; stop it or wait for it to finish");
  return NextResponse.json({ redelivered: n }, { status: 202 });
});
