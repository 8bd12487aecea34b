import { NextResponse } from "next/server";
import { harborLastTriggers } from "@/lib/harbor-api/last-trigger";
import { harborRoute, webhookProject, type ProjectParams } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/lasttrigger: per policy and event type, when it last triggered. */
export const GET = harborRoute<ProjectParams>(async ({ params, actor }) => {
  const { project } = await webhookProject(actor, params.project_name_or_id, "webhook.read");
  return NextResponse.json(await harborLastTriggers(project.id));
});
