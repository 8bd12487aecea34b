import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { requireSystem } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { toHarborUser } from "@/lib/harbor-api/mappers";
import { harborRoute, idParam } from "@/lib/harbor-api/route-helpers";

/** GET /api/v2.0/users/{user_id} (system admin): where POST /users' Location points. */
export const GET = harborRoute<{ user_id: string }>(async ({ params, actor }) => {
  requireSystem(actor, "users.manage");
  const user = await (await getDb()).user.findUnique({ where: { id: idParam(params.user_id, "user") } });
  if (!user) throw notFound("user");
  return NextResponse.json(toHarborUser(user));
});
