/**
 * A directory user's account here: found by its identity (OIDC subject, LDAP DN), or created at
 * the first sign-in (onboarding). Groups and the admin flag follow the directory at each sign-in.
 */
import crypto from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import type { AuthenticatedUser } from "@/lib/auth/credentials";
import { refreshUserGroups, type DirectorySource } from "@/lib/auth/sso/groups";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { logger } from "@/lib/log/logger";

export type DirectoryProfile = {
  source: DirectorySource;
  /** OIDC: the `sub` claim; LDAP: the user's DN (normalized) */
  subject: string;
  /** the user name the directory suggests (user claim, or the LDAP UID attribute) */
  username: string;
  email?: string;
  groups: string[];
  /** member of the admin group; undefined when no admin group is configured (the flag is left as is) */
  admin?: boolean;
};

export type DirectorySignIn =
  | { ok: true; user: AuthenticatedUser; created: boolean }
  | { ok: false; reason: "disabled" | "name_taken" | "not_onboarded" | "invalid_name" };

/** User names here: 1–64 characters of letters, digits and . _ @ - (lib/projects/schemas.ts). */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Signs a directory user in: updates the known account, or onboards a new one when `onboard` (LDAP
 * always, OIDC with auto-onboard, or a name chosen on the onboarding page: `chosenName`).
 */
export async function signInDirectoryUser(
  profile: DirectoryProfile,
  opts: { onboard: boolean; chosenName?: string },
): Promise<DirectorySignIn> {
  const db = await getDb();
  const identity = await db.userIdentity.findUnique({
    where: { source_subject: { source: profile.source, subject: profile.subject } },
    include: { user: true },
  });
  if (identity) {
    if (identity.user.disabledAt) return { ok: false, reason: "disabled" };
    const user = await db.$transaction(async (tx) => {
      await refreshUserGroups(tx, identity.userId, profile.source, profile.groups);
      // At most one write a minute for the last sign-in (HTTP Basic signs in on every request).
      if (Date.now() - identity.lastSignInAt.getTime() > 60_000)
        await tx.userIdentity.update({ where: { id: identity.id }, data: { lastSignInAt: new Date() } });
      const changes = {
        ...(profile.admin !== undefined && profile.admin !== identity.user.sysadmin ? { sysadmin: profile.admin } : {}),
        ...(profile.email && profile.email !== identity.user.email ? { email: profile.email } : {}),
      };
      if (Object.keys(changes).length === 0) return identity.user;
      return tx.user.update({ where: { id: identity.userId }, data: changes });
    });
    return { ok: true, created: false, user: authenticated(user) };
  }
  if (!opts.onboard && opts.chosenName === undefined) return { ok: false, reason: "not_onboarded" };
  const username = (opts.chosenName ?? profile.username).trim();
  if (!USERNAME.test(username)) return { ok: false, reason: "invalid_name" };
  try {
    // Directory users never sign in with a password here: a random one nobody knows.
    const passwordHash = await hashPassword(crypto.randomBytes(32).toString("base64"));
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { username, email: profile.email, passwordHash, sysadmin: profile.admin ?? false },
      });
      await tx.userIdentity.create({
        data: { userId: created.id, source: profile.source, subject: profile.subject },
      });
      await refreshUserGroups(tx, created.id, profile.source, profile.groups);
      return created;
    });
    logger.info({ username, source: profile.source }, "directory user onboarded");
    return { ok: true, created: true, user: authenticated(user) };
  } catch (err) {
    // Another account (local, or another directory identity) holds the name.
    if (isUniqueViolation(err)) return { ok: false, reason: "name_taken" };
    throw err;
  }
}

function authenticated(u: { id: number; username: string; sysadmin: boolean; sessionVersion: number }) {
  return { id: u.id, username: u.username, sysadmin: u.sysadmin, sessionVersion: u.sessionVersion };
}
