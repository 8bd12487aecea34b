import { NextResponse } from "next/server";
import { parseWith, readJson } from "@/lib/api/route";
import { stopExecution } from "@/lib/delivery/task-control";
import { executionPatchSchema } from "@/lib/harbor-api/inputs";
import { toHarborExecution } from "@/lib/harbor-api/mappers";
import {
  executionOf,
  harborRoute,
  policyOf,
  webhookProject,
  type ExecutionParams,
} from "@/lib/harbor-api/route-helpers";

/** GET …/executions/{execution_id} */
export const GET = harborRoute<ExecutionParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
});

/**
 * PATCH …/executions/{execution_id} `{"status":"Stopped"}` stops its pending or running delivery.
 * An execution that already finished stays as it is. Answers the execution.
 */
export const PATCH = harborRoute<ExecutionParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const execution = await executionOf(policy.id, params.execution_id);
  parseWith(executionPatchSchema, await readJson(req));
  await stopExecution(actor, policy.id, execution.id);
  return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
});
