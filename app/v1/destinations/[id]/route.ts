import { NextResponse } from "next/server";
import { noContent } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { deleteDestination, getDestination, updateDestination } from "@/lib/destinations/service";
import { destinationUpdateSchema } from "@/lib/destinations/schemas";
import { destinationViews } from "@/lib/destinations/views";

/** GET /v1/destinations/{id}: the destination, never its signing secret. */
export const GET = apiRoute({ flavor: "v1", auth: "key", permission: "webhook.read" }, async ({ access, params }) => {
  const [view] = await destinationViews([await getDestination(access, params.id)]);
  return NextResponse.json(view);
});

/** PATCH /v1/destinations/{id}: url, name, retry_policy, metadata, event_types, status. */
export const PATCH = apiRoute(
  { flavor: "v1", auth: "key", permission: "webhook.manage" },
  async ({ access, params, body }) => {
    // Unknown ids answer destination_not_found before the body is judged.
    await getDestination(access, params.id);
    const input = await body(destinationUpdateSchema);
    const [view] = await destinationViews([await updateDestination(access, params.id, input)]);
    return NextResponse.json(view);
  },
);

/** DELETE /v1/destinations/{id}: 204; pending deliveries are cancelled. */
export const DELETE = apiRoute(
  { flavor: "v1", auth: "key", permission: "webhook.manage" },
  async ({ access, params }) => {
    await deleteDestination(access, params.id);
    return noContent();
  },
);
