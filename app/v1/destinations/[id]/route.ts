import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { deleteDestination, getDestination, updateDestination } from "@/lib/destinations/service";
import { destinationUpdateSchema, parseBody } from "@/lib/destinations/schemas";
import { destinationViews } from "../../_lib/destinations";
import { keyProject, readJsonBody } from "../../_lib/request";

type Params = { id: string };

/** GET /v1/destinations/{id}: the destination, never its signing secret. */
export const GET = apiRoute<Params>({ flavor: "v1", auth: "key" }, async ({ actor, params }) => {
  const { project } = await keyProject(actor, "webhook.read");
  const [view] = await destinationViews([await getDestination(project.id, params.id)]);
  return NextResponse.json(view);
});

/** PATCH /v1/destinations/{id}: url, name, retry_policy, metadata, event_types, status. */
export const PATCH = apiRoute<Params>({ flavor: "v1", auth: "key" }, async ({ req, actor, params }) => {
  const { key, project } = await keyProject(actor, "webhook.manage");
  // Unknown ids answer destination_not_found before the body is judged.
  await getDestination(project.id, params.id);
  const input = parseBody(destinationUpdateSchema, await readJsonBody(req));
  const [view] = await destinationViews([await updateDestination(key, project, params.id, input)]);
  return NextResponse.json(view);
});

/** DELETE /v1/destinations/{id}: 204; pending deliveries are cancelled. */
export const DELETE = apiRoute<Params>({ flavor: "v1", auth: "key" }, async ({ actor, params }) => {
  const { project } = await keyProject(actor, "webhook.manage");
  await deleteDestination(actor, project, params.id);
  return new Response(null, { status: 204 });
});
