import { invalid } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { requireSystem } from "@/lib/auth/access";
import { harborPasswordReqSchema } from "@/lib/users/schemas";
import { changeOwnPassword, resetPassword } from "@/lib/users/service";

/**
 * PUT /api/v2.0/users/{user_id}/password, Harbor's PasswordReq `{old_password, new_password}`.
 * Your own password: `old_password` is required and checked. Another user's: system admins only,
 * `new_password` alone, and that user must choose a new password at their next sign-in.
 */
export const PUT = apiRoute({ flavor: "harbor", permission: "signed-in" }, async ({ actor, params, body }) => {
  const userId = rowIdOr404(params.user_id, "user");
  if (actor.kind === "user" && actor.userId === userId) {
    const input = await body(harborPasswordReqSchema);
    if (!input.old_password) throw invalid("old_password", "old_password: is required to change your own password");
    await changeOwnPassword(actor, input.old_password, input.new_password);
  } else {
    // The permission before anything about the body is said.
    const system = requireSystem(actor, "users.manage");
    await resetPassword(system, userId, (await body(harborPasswordReqSchema)).new_password);
  }
  return okEmpty();
});
