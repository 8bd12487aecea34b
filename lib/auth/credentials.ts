import { getDb } from "@/lib/db/client";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { UNKNOWN_CLIENT } from "@/lib/auth/client-address";
import { loginClientLimiter, loginLimiter } from "@/lib/auth/rate-limit";
import { withVerificationSlot } from "@/lib/auth/verification-slots";
import { logger } from "@/lib/log/logger";
import { verifyCliSecret } from "@/lib/auth/sso/cli-secret";
import { ldapAuthenticate } from "@/lib/auth/sso/ldap";
import { signInDirectoryUser } from "@/lib/auth/sso/onboard";
import { authConfig, BREAK_GLASS_USERNAME } from "@/lib/auth/sso/settings";

export type AuthenticatedUser = { id: number; username: string; sysadmin: boolean; sessionVersion: number };
export type CredentialCheck =
  | { ok: true; user: AuthenticatedUser }
  | {
      ok: false;
      reason: "invalid" | "rate_limited" | "disabled" | "unavailable" | "name_taken";
      retryAfterMs?: number;
    };

/** What the password is checked against: HTTP Basic on the API also takes an OIDC user's CLI secret. */
export type CredentialOptions = { cliSecret?: boolean };

/** What a refused sign-in tells the person (the UI and HTTP Basic say the same). */
export const DISABLED_MESSAGE = "this account is disabled; ask a system admin to enable it";

/** No account has a longer name (names are 1–64 characters); longer ones are refused unread. */
export const MAX_USERNAME_LENGTH = 256;
/** Passwords are at most 256 characters (lib/shared/password.ts); a longer one cannot be right. */
export const MAX_SIGN_IN_PASSWORD_LENGTH = 1024;

/** The window key of one user name tried from one client. */
export function signInKey(username: string, client: string): string {
  return `${client}\n${username.trim().toLowerCase()}`;
}

/**
 * Checks a user name and password from `client` (lib/auth/client-address.ts). The authentication
 * mode decides what the password is checked against: the local hash (database mode, and the local
 * `admin` in every mode), the LDAP directory (LDAP mode; a first sign-in onboards the user), or
 * the user's CLI secret (OIDC mode, HTTP Basic only: OIDC users sign in through their provider). Unknown users and
 * wrong passwords take the same time and get the same answer. Failures are counted per (user name,
 * client) and per client: a client that keeps failing is refused before any password is checked,
 * while the right password from any other client still signs in, so nobody can lock an account
 * by guessing at it. A disabled account is refused after its password was checked.
 */
export async function checkCredentials(
  username: string,
  password: string,
  client: string = UNKNOWN_CLIENT,
  opts: CredentialOptions = {},
): Promise<CredentialCheck> {
  if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_SIGN_IN_PASSWORD_LENGTH)
    return { ok: false, reason: "invalid" };
  const name = username.trim().toLowerCase();
  const key = signInKey(username, client);
  // A client that used up its failures is refused until the window ends: the right password must
  // not slip through (it would let a guesser go on at full speed).
  // Without a known address (in-process calls) there is no client to tell apart: the per-user window alone.
  const known = client !== UNKNOWN_CLIENT;
  const clientBlocked = known ? loginClientLimiter.blockedFor(client) : 0;
  if (clientBlocked > 0) return { ok: false, reason: "rate_limited", retryAfterMs: clientBlocked };
  const blocked = loginLimiter.blockedFor(key);
  if (blocked > 0 && !(await lockoutCleared(username, loginLimiter.startedAt(key)))) {
    return { ok: false, reason: "rate_limited", retryAfterMs: blocked };
  }
  if (blocked > 0) loginLimiter.reset(key);
  return withVerificationSlot(
    client,
    async (): Promise<CredentialCheck> => {
      const verified = await verifySecret(username.trim(), password, opts);
      if (verified.ok || verified.reason !== "invalid") {
        if (verified.ok || verified.reason === "disabled") loginLimiter.reset(key);
        return verified;
      }
      const wait = loginLimiter.hit(key);
      if (known) loginClientLimiter.hit(client);
      // This failure used up the window: later tries are refused above, before any password is
      // checked, so this is said once per lockout.
      const lockedFor = loginLimiter.blockedFor(key);
      if (lockedFor > 0 && wait === 0) {
        logger.info(
          { username: name.slice(0, 64), client, retryAfterSeconds: Math.ceil(lockedFor / 1000) },
          "sign-in locked out after repeated failures",
        );
      }
      if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };
      return { ok: false, reason: "invalid" };
    },
    () => ({ ok: false, reason: "rate_limited", retryAfterMs: 1000 }),
  );
}

/** The password (or CLI secret) checked where the authentication mode says; failures all look alike. */
async function verifySecret(username: string, password: string, opts: CredentialOptions): Promise<CredentialCheck> {
  const { mode, ldap } = await authConfig();
  if (mode === "ldap" && username !== BREAK_GLASS_USERNAME) {
    const checked = await ldapAuthenticate(ldap, username, password);
    if (!checked.ok) return { ok: false, reason: checked.reason };
    const signedIn = await signInDirectoryUser(checked.profile, { onboard: true });
    if (signedIn.ok) return signedIn;
    return { ok: false, reason: signedIn.reason === "disabled" ? "disabled" : "name_taken" };
  }
  const db = await getDb();
  const user = await db.user.findUnique({ where: { username }, include: { identity: true } });
  if (mode === "oidc" && username !== BREAK_GLASS_USERNAME) {
    // OIDC users sign in at their provider; the API takes their CLI secret as the Basic password.
    const ok = opts.cliSecret && !!user?.identity && verifyCliSecret(user.identity.cliSecretEnc, password);
    if (!ok || !user) return { ok: false, reason: "invalid" };
    if (user.disabledAt) return { ok: false, reason: "disabled" };
    return { ok: true, user: authenticatedUser(user) };
  }
  // Directory users have a random password nobody knows; outside database mode only the local admin.
  const local = user && (mode === "db" ? !user.identity : username === BREAK_GLASS_USERNAME) ? user : null;
  const ok = await verifyPassword(local?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!ok || !local) return { ok: false, reason: "invalid" };
  // Said only to whoever knows the password: a guesser learns nothing about disabled accounts.
  if (local.disabledAt) return { ok: false, reason: "disabled" };
  return { ok: true, user: authenticatedUser(local) };
}

function authenticatedUser(u: { id: number; username: string; sysadmin: boolean; sessionVersion: number }) {
  return { id: u.id, username: u.username, sysadmin: u.sysadmin, sessionVersion: u.sessionVersion };
}

/** Whether a system admin cleared this user's sign-in lockouts after the window began (on any web process). */
async function lockoutCleared(username: string, windowStartedAt: number | undefined): Promise<boolean> {
  if (windowStartedAt === undefined) return false;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { username: username.trim() }, select: { signInUnlockedAt: true } });
  return !!user?.signInUnlockedAt && user.signInUnlockedAt.getTime() >= windowStartedAt;
}
