import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { cursorQuerySchema } from "@/lib/api/cursor";
import { listDestinationDeliveries } from "@/lib/destinations/service";
import { deliveryPageSchema, parseBody } from "@/lib/destinations/schemas";
import { toDelivery } from "@/lib/destinations/view";
import { keyProject, queryOf } from "../../../_lib/request";

/** GET /v1/destinations/{id}/deliveries?limit=&cursor=: its deliveries, newest first, with attempts. */
export const GET = apiRoute<{ id: string }>({ flavor: "v1", auth: "key" }, async ({ req, actor, params }) => {
  const { project } = await keyProject(actor, "webhook.read");
  const { limit, cursor } = parseBody(cursorQuerySchema, queryOf(req));
  const page = await listDestinationDeliveries(project.id, params.id, { limit, cursor });
  return NextResponse.json(
    deliveryPageSchema.parse({ data: page.items.map(toDelivery), next_cursor: page.nextCursor }),
  );
});
