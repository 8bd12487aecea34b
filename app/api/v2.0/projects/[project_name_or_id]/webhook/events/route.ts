import { NextResponse } from "next/server";
import { supportedWebhookEvents } from "@/lib/harbor-api/mappers";
import { harborRoute, webhookProject, type ProjectParams } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/events: the event types, notify types and payload formats policies may use. */
export const GET = harborRoute<ProjectParams>(async ({ params, actor }) => {
  await webhookProject(actor, params.project_name_or_id, "webhook.read");
  return NextResponse.json(supportedWebhookEvents());
});
