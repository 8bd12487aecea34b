import { NextResponse } from "next/server";
import { cursorQuerySchema } from "@/lib/api/cursor";
import { apiRoute } from "@/lib/api/route";
import { listDestinationDeliveries } from "@/lib/destinations/service";
import { deliveryPageSchema } from "@/lib/destinations/schemas";
import { toDelivery } from "@/lib/destinations/view";

/** GET /v1/destinations/{id}/deliveries?limit=&cursor=: its deliveries, newest first, with attempts. */
export const GET = apiRoute(
  { flavor: "v1", auth: "key", permission: "webhook.read" },
  async ({ access, params, query }) => {
    const { limit, cursor } = query(cursorQuerySchema);
    const page = await listDestinationDeliveries(access, params.id, { limit, cursor });
    return NextResponse.json(
      deliveryPageSchema.parse({ data: page.items.map(toDelivery), next_cursor: page.nextCursor }),
    );
  },
);
