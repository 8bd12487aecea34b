import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import { toHarborUser } from "@/lib/harbor-api/mappers";
import { deleteUser } from "@/lib/users/service";

/** GET /api/v2.0/users/{user_id} (system admin): where POST /users' Location points. */
export const GET = apiRoute({ flavor: "harbor", system: "users.manage" }, async ({ params }) => {
  const user = await (await getDb()).user.findUnique({ where: { id: rowIdOr404(params.user_id, "user") } });
  if (!user) throw notFound("user");
  return NextResponse.json(toHarborUser(user));
});

/** DELETE /api/v2.0/users/{user_id} (system admin): not yourself, not the last system admin; memberships go with the user. */
export const DELETE = apiRoute({ flavor: "harbor", system: "users.manage" }, async ({ params, system }) => {
  await deleteUser(system, rowIdOr404(params.user_id, "user"));
  return okEmpty();
});
