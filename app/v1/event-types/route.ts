import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { eventTypeCatalog, eventTypeCatalogSchema } from "@/lib/events/catalog";

/**
 * GET /v1/event-types: every event type with its description, the JSON Schema of its event_data, a
 * sample and its CloudEvents type (lib/events/catalog.ts). Any authenticated caller: an API key, a
 * user (HTTP Basic) or the browser's session.
 */
export const GET = apiRoute({ flavor: "v1", permission: "signed-in" }, async () =>
  NextResponse.json(eventTypeCatalogSchema.parse({ data: eventTypeCatalog() })),
);
