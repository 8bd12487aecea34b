import { getDb } from "@/lib/db/client";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { loginLimiter } from "@/lib/auth/rate-limit";
import { logger } from "@/lib/log/logger";

export type AuthenticatedUser = { id: number; username: string; sysadmin: boolean };
export type CredentialCheck =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; reason: "invalid" | "rate_limited" | "disabled"; retryAfterMs?: number };

/** What a refused sign-in tells the person (the UI and HTTP Basic say the same). */
export const DISABLED_MESSAGE = "this account is disabled; ask a system admin to enable it";

/**
 * Checks a user name and password. Unknown users and wrong passwords take the same time and get
 * the same answer; repeated failures for one user name are slowed down. A disabled account is
 * refused after its password was checked.
 */
export async function checkCredentials(username: string, password: string): Promise<CredentialCheck> {
  const key = username.trim().toLowerCase();
  // Once a user name has used up its failures, no password is checked until the window ends: the
  // right one must not slip through (it would let a guesser go on at full speed).
  const blocked = loginLimiter.blockedFor(key);
  if (blocked > 0) return { ok: false, reason: "rate_limited", retryAfterMs: blocked };
  const db = await getDb();
  const user = await db.user.findUnique({ where: { username: username.trim() } });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (ok && user) {
    loginLimiter.reset(key);
    // Said only to whoever knows the password: a guesser learns nothing about disabled accounts.
    if (user.disabledAt) return { ok: false, reason: "disabled" };
    return { ok: true, user: { id: user.id, username: user.username, sysadmin: user.sysadmin } };
  }
  const wait = loginLimiter.hit(key);
  // This failure used up the window: later tries are refused above, before any password is
  // checked, so this is said once per lockout.
  const lockedFor = loginLimiter.blockedFor(key);
  if (lockedFor > 0) {
    logger.info(
      { username: key.slice(0, 64), retryAfterSeconds: Math.ceil(lockedFor / 1000) },
      "sign-in locked out after repeated failures",
    );
  }
  if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };
  return { ok: false, reason: "invalid" };
}
