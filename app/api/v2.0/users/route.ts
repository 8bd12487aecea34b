import { parseWith, readJson } from "@/lib/api/route";
import { requireSystem } from "@/lib/auth/access";
import { harborUserInputSchema } from "@/lib/harbor-api/inputs";
import { created, harborRoute } from "@/lib/harbor-api/route-helpers";
import { createUser } from "@/lib/users/service";

/** POST /api/v2.0/users (system admin): `{username, password, email?, realname?, sysadmin_flag?}` → 201 + Location. */
export const POST = harborRoute(async ({ req, actor }) => {
  requireSystem(actor, "users.manage");
  const input = parseWith(harborUserInputSchema, await readJson(req));
  const user = await createUser(actor, input);
  return created(req, user.id);
});
