import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { redeliverFailed } from "@/lib/delivery/task-control";
import { redeliverRangeSchema } from "@/lib/harbor-api/inputs";
import { policyOf, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** POST …/policies/{id}/redeliver `{from, to, include_stopped?}` → 202: redelivers the failed tasks created in that range. */
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  async ({ params, access, body }) => {
    const policy = await policyOf(access, params.webhook_policy_id);
    const range = await body(redeliverRangeSchema);
    const n = await redeliverFailed(access, policy.id, {
      from: range.from,
      to: range.to,
      includeStopped: range.include_stopped,
    });
    return NextResponse.json({ redelivered: n }, { status: 202 });
  },
);
