"use server";
import { signInDirectoryUser } from "@/lib/auth/sso/onboard";
import { readOnboardingTicket } from "@/lib/auth/sso/onboarding-ticket";
import { authConfig } from "@/lib/auth/sso/settings";
import { usernameSchema } from "@/lib/projects/schemas";
import type { FormResult } from "@/lib/shared/form-result";

/**
 * Creates the account of an OIDC user who chose their user name (auto-onboard off). The ticket,
 * encrypted by this server after the provider's token was verified, is the proof of who they are.
 */
export async function onboardAction(_: FormResult | null, form: FormData): Promise<FormResult> {
  const profile = readOnboardingTicket(String(form.get("ticket") ?? ""));
  if (!profile || (await authConfig()).mode !== "oidc")
    return { ok: false, message: "This sign-in has expired. Sign in again." };
  const name = usernameSchema.safeParse(String(form.get("username") ?? ""));
  if (!name.success) return { ok: false, message: name.error.issues[0].message, field: "username" };
  const result = await signInDirectoryUser(profile, { onboard: false, chosenName: name.data });
  if (result.ok) return { ok: true, message: `Account ${result.user.username} created.` };
  if (result.reason === "name_taken")
    return { ok: false, message: `The user name ${name.data} is taken. Choose another one.`, field: "username" };
  if (result.reason === "disabled") return { ok: false, message: "This account is disabled. Ask a system admin." };
  return { ok: false, message: "Choose a user name of letters, digits, '.', '_', '@' or '-'.", field: "username" };
}
