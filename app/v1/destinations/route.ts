import { NextResponse } from "next/server";
import { cursorQuerySchema } from "@/lib/api/cursor";
import { apiRoute } from "@/lib/api/route";
import { createDestination, listDestinations } from "@/lib/destinations/service";
import {
  createdDestinationSchema,
  destinationCreateSchema,
  destinationListQuerySchema,
  destinationPageSchema,
} from "@/lib/destinations/schemas";
import { destinationViews } from "@/lib/destinations/views";

/** POST /v1/destinations: 201 with the destination and its signing secret (shown this once). */
export const POST = apiRoute({ flavor: "v1", auth: "key", permission: "webhook.manage" }, async ({ access, body }) => {
  const { destination, signingSecret } = await createDestination(access, await body(destinationCreateSchema));
  const [view] = await destinationViews([destination]);
  const created = createdDestinationSchema.parse({ ...view, signing_secret: signingSecret });
  return NextResponse.json(created, { status: 201, headers: { Location: `/v1/destinations/${view.id}` } });
});

/** GET /v1/destinations?limit=&cursor=&status=: a page of destinations, newest first. */
export const GET = apiRoute({ flavor: "v1", auth: "key", permission: "webhook.read" }, async ({ access, query }) => {
  const { limit, cursor } = query(cursorQuerySchema);
  const { status } = query(destinationListQuerySchema);
  const page = await listDestinations(access, { limit, cursor, status });
  return NextResponse.json(
    destinationPageSchema.parse({ data: await destinationViews(page.items), next_cursor: page.nextCursor }),
  );
});
