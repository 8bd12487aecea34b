"use server";
import { redirect } from "next/navigation";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseInput } from "@/lib/api/input";
import { requireUserAction } from "@/lib/auth/session";
import { renewSessionCookie } from "@/lib/auth/session-cookie";
import { changeOwnPasswordSchema } from "@/lib/users/schemas";
import { changeOwnPassword, regenerateOwnCliSecret } from "@/lib/users/service";

/**
 * The signed-in user changes their own password (the only action allowed while a change is
 * forced). After a forced change, the user lands on their profile, which says so.
 */
export async function changeOwnPasswordAction(_prev: unknown, form: FormData): Promise<ActionResult<void>> {
  const result = await runAction(async () => {
    const user = await requireUserAction({ passwordChange: true });
    const input = parseInput(changeOwnPasswordSchema, {
      currentPassword: form.get("currentPassword") ?? "",
      newPassword: form.get("newPassword") ?? "",
      confirmPassword: form.get("confirmPassword") ?? "",
    });
    const { sessionVersion } = await changeOwnPassword(user, input.currentPassword, input.newPassword);
    await renewSessionCookie(sessionVersion);
  }, "Your password has been changed.");
  if (result.ok && form.get("forced") === "1") redirect("/profile?password=changed");
  return result;
}

/** An OIDC user replaces their CLI secret; the old one stops working on the API at once. */
export async function regenerateCliSecretAction(): Promise<ActionResult<{ secret: string }>> {
  return runAction(async () => {
    const user = await requireUserAction();
    return { secret: await regenerateOwnCliSecret(user) };
  }, "A new CLI secret was generated; the previous one no longer works.");
}
