import { NextResponse } from "next/server";
import { parseWith, readJson } from "@/lib/api/route";
import { redeliverFailed } from "@/lib/delivery/task-control";
import { redeliverRangeSchema } from "@/lib/harbor-api/inputs";
import { harborRoute, policyOf, webhookProject, type PolicyParams } from "@/lib/harbor-api/route-helpers";

/** POST …/policies/{id}/redeliver `{from, to, include_stopped?}` → 202: redelivers the failed tasks created in that range. */
export const POST = harborRoute<PolicyParams>(async ({ req, params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.manage");
  const policy = await policyOf(project.id, params.webhook_policy_id);
  const range = parseWith(redeliverRangeSchema, await readJson(req));
  const n = await redeliverFailed(actor, policy.id, {
    from: range.from,
    to: range.to,
    includeStopped: range.include_stopped,
  });
  return NextResponse.json({ redelivered: n }, { status: 202 });
});
