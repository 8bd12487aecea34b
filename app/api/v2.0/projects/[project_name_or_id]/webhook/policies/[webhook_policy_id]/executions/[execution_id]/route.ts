import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { stopExecution } from "@/lib/delivery/task-control";
import { executionPatchSchema } from "@/lib/harbor-api/inputs";
import { toHarborExecution } from "@/lib/harbor-api/mappers";
import { executionOf, policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/executions/{execution_id} */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ params, access }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
  },
);

/**
 * PATCH …/executions/{execution_id} `{"status":"Stopped"}` stops its pending or running delivery.
 * An execution that already finished stays as it is. Answers the execution.
 */
export const PATCH = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access, body }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const execution = await executionOf(policy.id, params.execution_id);
    await body(executionPatchSchema);
    await stopExecution(access, policy.id, execution.id);
    return NextResponse.json(toHarborExecution(await executionOf(policy.id, params.execution_id)));
  },
);
