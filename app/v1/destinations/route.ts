import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { cursorQuerySchema } from "@/lib/api/cursor";
import { createDestination, listDestinations } from "@/lib/destinations/service";
import {
  createdDestinationSchema,
  destinationCreateSchema,
  destinationListQuerySchema,
  destinationPageSchema,
  parseBody,
} from "@/lib/destinations/schemas";
import { destinationViews } from "../_lib/destinations";
import { keyProject, queryOf, readJsonBody } from "../_lib/request";

/** POST /v1/destinations: 201 with the destination and its signing secret (shown this once). */
export const POST = apiRoute({ flavor: "v1", auth: "key" }, async ({ req, actor }) => {
  const { key, project } = await keyProject(actor, "webhook.manage");
  const input = parseBody(destinationCreateSchema, await readJsonBody(req));
  const { destination, signingSecret } = await createDestination(key, project, input);
  const [view] = await destinationViews([destination]);
  const body = createdDestinationSchema.parse({ ...view, signing_secret: signingSecret });
  return NextResponse.json(body, { status: 201, headers: { Location: `/v1/destinations/${view.id}` } });
});

/** GET /v1/destinations?limit=&cursor=&status=: a page of destinations, newest first. */
export const GET = apiRoute({ flavor: "v1", auth: "key" }, async ({ req, actor }) => {
  const { project } = await keyProject(actor, "webhook.read");
  const query = queryOf(req);
  const { limit, cursor } = parseBody(cursorQuerySchema, query);
  const { status } = parseBody(destinationListQuerySchema, query);
  const page = await listDestinations(project.id, { limit, cursor, status });
  return NextResponse.json(
    destinationPageSchema.parse({ data: await destinationViews(page.items), next_cursor: page.nextCursor }),
  );
});
