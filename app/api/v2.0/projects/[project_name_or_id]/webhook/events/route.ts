import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { supportedWebhookEvents } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/events: the event types, notify types and payload formats policies may use. */
export const GET = apiRoute({ flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" }, async () =>
  NextResponse.json(supportedWebhookEvents()),
);
