import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { AppError, unauthorized } from "@/lib/errors";

type UserActor = Extract<Actor, { kind: "user" }>;

/** Where a user whose password must change is sent, from every page, until it has changed. */
export const CHANGE_PASSWORD_PATH = "/profile/password";

/**
 * The session's user with the account state the guards read. Read once per request (React's
 * cache): a page asks from its layout, its title, its guard and its banner, and each read would
 * decrypt the session cookie and query the user again.
 */
const sessionUser = cache(async (): Promise<{ actor: UserActor; mustChangePassword: boolean } | null> => {
  const session = (await getServerSession(authOptions())) as { uid?: number } | null;
  if (!session?.uid) return null;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: session.uid } });
  // A disabled (or deleted) user's session stops working at once.
  if (!user || user.disabledAt) return null;
  return {
    actor: { kind: "user", userId: user.id, username: user.username, sysadmin: user.sysadmin },
    mustChangePassword: user.mustChangePassword,
  };
});

/** The signed-in user, re-read from the database so a deleted or disabled user or a changed role takes effect. */
export async function currentUser(): Promise<UserActor | null> {
  return (await sessionUser())?.actor ?? null;
}

/** What a guard lets through while the password must change: only the change itself. */
type GuardOptions = { passwordChange?: boolean };

/**
 * For pages: the user, or a redirect to the sign-in page. A user who must change their password
 * (generated at first start, or reset by an admin) is sent to the change-password page from
 * every page but that one.
 */
export async function requireUserPage(opts: GuardOptions = {}): Promise<UserActor> {
  const user = await sessionUser();
  if (!user) redirect("/login");
  if (user.mustChangePassword && !opts.passwordChange) redirect(CHANGE_PASSWORD_PATH);
  return user.actor;
}

/** Whether the signed-in user must change their password before anything else (for pages that render it). */
export async function mustChangePassword(): Promise<boolean> {
  return (await sessionUser())?.mustChangePassword ?? false;
}

/**
 * For server actions: the user, or an unauthorized error. Until a forced password change is
 * done, every action but that change is refused.
 */
export async function requireUserAction(opts: GuardOptions = {}): Promise<UserActor> {
  const user = await sessionUser();
  if (!user) throw unauthorized("your session has expired; sign in again");
  if (user.mustChangePassword && !opts.passwordChange)
    throw new AppError("forbidden", "Change your password first: open your profile and choose a new one.");
  return user.actor;
}
