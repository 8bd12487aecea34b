import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { clearSignInLockouts } from "@/lib/users/service";

/** DELETE /api/v2.0/users/{user_id}/sign-in-lockout (system admin): the user may sign in again at once, from anywhere. */
export const DELETE = apiRoute({ flavor: "harbor", system: "users.manage" }, async ({ params, system }) => {
  await clearSignInLockouts(system, rowIdOr404(params.user_id, "user"));
  return okEmpty();
});
