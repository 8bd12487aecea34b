import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { supportedWebhookEvents } from "@/lib/harbor-api/mappers";

/** GET /system/webhook/events: the event types, notify types and payload formats policies may use. */
export const GET = apiRoute({ flavor: "harbor", system: "webhooks.instance" }, async () =>
  NextResponse.json(supportedWebhookEvents(true)),
);
