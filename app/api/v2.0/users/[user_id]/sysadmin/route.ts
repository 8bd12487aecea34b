import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { harborSysadminFlagSchema } from "@/lib/users/schemas";
import { setSysadmin } from "@/lib/users/service";

/** PUT /api/v2.0/users/{user_id}/sysadmin `{sysadmin_flag}` (system admin): 409 for the last system admin. */
export const PUT = apiRoute({ flavor: "harbor", system: "users.manage" }, async ({ params, system, body }) => {
  const userId = rowIdOr404(params.user_id, "user");
  await setSysadmin(system, userId, (await body(harborSysadminFlagSchema)).sysadmin_flag);
  return okEmpty();
});
