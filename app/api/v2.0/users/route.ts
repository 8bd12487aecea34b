import { created } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { harborUserInputSchema } from "@/lib/harbor-api/inputs";
import { createUser } from "@/lib/users/service";

/** POST /api/v2.0/users (system admin): `{username, password, email?, realname?, sysadmin_flag?}` → 201 + Location. */
export const POST = apiRoute({ flavor: "harbor", system: "users.manage" }, async ({ req, system, body }) => {
  const user = await createUser(system, await body(harborUserInputSchema));
  return created(req, user.id);
});
