import { AppError, forbidden, invalid, notFound, unauthorized } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import type { SystemAccess } from "@/lib/auth/access";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { signInKey } from "@/lib/auth/credentials";
import { loginLimiter } from "@/lib/auth/rate-limit";
import { endSessions } from "@/lib/auth/session-version";
import { logger } from "@/lib/log/logger";
import { regenerateCliSecret } from "@/lib/auth/sso/cli-secret";
import { recordAudit } from "@/lib/audit/record";
import { getDb, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { CreateUserInput } from "@/lib/projects/schemas";

type UserActor = Extract<Actor, { kind: "user" }>;

/** How many project names a list shows before "and N more". */
export const MEMBERSHIP_NAMES_SHOWN = 5;

export async function createUser({ actor }: SystemAccess, input: CreateUserInput) {
  const db = await getDb();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { username: input.username, email: input.email, passwordHash, sysadmin: input.sysadmin },
      });
      await recordAudit(tx, actor, "user.create", { type: "user", id: user.id, detail: user.username });
      return {
        id: user.id,
        username: user.username,
        email: user.email,
        sysadmin: user.sysadmin,
        createdAt: user.createdAt,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError(
        "conflict",
        `A user named ${input.username} already exists. Choose another user name.`,
        "username",
      );
    throw err;
  }
}

/** All users, with the projects they belong to; the access is the proof that the caller is a system admin. */
export async function listUsers(_system: SystemAccess) {
  const db = await getDb();
  return db.user.findMany({
    orderBy: { username: "asc" },
    select: {
      id: true,
      username: true,
      email: true,
      sysadmin: true,
      disabledAt: true,
      mustChangePassword: true,
      createdAt: true,
      identity: { select: { source: true } },
      _count: { select: { memberships: true } },
      memberships: {
        select: { project: { select: { name: true } } },
        orderBy: { project: { name: "asc" } },
        take: MEMBERSHIP_NAMES_SHOWN,
      },
    },
  });
}

/** The signed-in user's own profile: account facts and the projects they belong to, with their role. */
export async function getProfile(actor: UserActor) {
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: actor.userId },
    select: {
      username: true,
      email: true,
      sysadmin: true,
      createdAt: true,
      passwordChangedAt: true,
      mustChangePassword: true,
      memberships: {
        select: { role: true, project: { select: { name: true } } },
        orderBy: { project: { name: "asc" } },
      },
    },
  });
  if (!user) throw unauthorized("your session has expired; sign in again");
  return user;
}

async function findTarget(tx: Tx, userId: number) {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, username: true, sysadmin: true, disabledAt: true, _count: { select: { memberships: true } } },
  });
  if (!user) throw notFound("user");
  return user;
}

/**
 * Refuses a change that would leave no enabled system admin (nobody could manage users or
 * settings any more). Checked inside the transaction that makes the change.
 */
async function keepOneAdmin(
  tx: Tx,
  target: { id: number; username: string; sysadmin: boolean; disabledAt: Date | null },
) {
  if (!target.sysadmin || target.disabledAt) return;
  const others = await tx.user.count({ where: { sysadmin: true, disabledAt: null, id: { not: target.id } } });
  if (others === 0)
    throw new AppError(
      "conflict",
      `${target.username} is the last system admin. Make another user a system admin first.`,
      "sysadmin",
    );
}

/**
 * Grants or removes the system admin role (Harbor's PUT /users/{id}/sysadmin). An admin may
 * remove their own role while another enabled system admin remains.
 */
export async function setSysadmin({ actor }: SystemAccess, userId: number, sysadmin: boolean) {
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    if (target.sysadmin === sysadmin) return;
    if (!sysadmin) await keepOneAdmin(tx, target);
    await tx.user.update({ where: { id: userId }, data: { sysadmin } });
    await recordAudit(tx, actor, sysadmin ? "user.grant_admin" : "user.revoke_admin", {
      type: "user",
      id: userId,
      detail: target.username,
    });
  });
}

/** Disables or enables an account. A disabled user cannot sign in, and an open session stops working. */
export async function setUserDisabled({ actor }: SystemAccess, userId: number, disabled: boolean) {
  if (disabled && userId === actor.userId)
    throw forbidden("You cannot disable your own account; another system admin can.");
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    if (!!target.disabledAt === disabled) return { username: target.username };
    if (disabled) await keepOneAdmin(tx, target);
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
    if (disabled) await endSessions(userId, tx);
    await recordAudit(tx, actor, disabled ? "user.disable" : "user.enable", {
      type: "user",
      id: userId,
      detail: target.username,
    });
    return { username: target.username };
  });
}

/**
 * Deletes a user. Their project memberships are removed with them (their projects, webhooks and
 * API keys stay); the audit log keeps their name. Not yourself, not the last system admin.
 */
export async function deleteUser({ actor }: SystemAccess, userId: number) {
  if (userId === actor.userId) throw forbidden("You cannot delete your own account; another system admin can.");
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    await keepOneAdmin(tx, target);
    const memberships = target._count.memberships;
    await tx.user.delete({ where: { id: userId } });
    await recordAudit(tx, actor, "user.delete", {
      type: "user",
      id: userId,
      detail: `${target.username} (removed from ${memberships} project${memberships === 1 ? "" : "s"})`,
    });
    return { username: target.username, memberships };
  });
}

/**
 * Users change their own password: the current one is checked first. The new one must differ.
 * Clears a forced change and records when the password changed.
 */
export async function changeOwnPassword(actor: UserActor, currentPassword: string, newPassword: string) {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: actor.userId } });
  if (!user || user.disabledAt) throw unauthorized("your session has expired; sign in again");
  // Wrong current passwords count as failed sign-ins: a session left open is no way to guess it.
  const key = signInKey(user.username, `session:${user.id}`);
  const tooMany = () =>
    new AppError("rate_limited", "Too many wrong passwords. Wait a few minutes, then try again.", "currentPassword");
  if (loginLimiter.blockedFor(key) > 0) throw tooMany();
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    if (loginLimiter.hit(key) > 0) throw tooMany();
    throw new AppError("forbidden", "The current password is not correct.", "currentPassword");
  }
  if (currentPassword === newPassword)
    throw invalid("newPassword", "Choose a new password that differs from the current one.");
  const passwordHash = await hashPassword(newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, mustChangePassword: false, passwordChangedAt: new Date() },
    });
    await recordAudit(tx, actor, "user.change_password", { type: "user", id: user.id, detail: user.username });
    // Every session of the user ends; the one that made the change is issued again at this version.
    return { sessionVersion: await endSessions(user.id, tx) };
  });
}

/**
 * A system admin sets another user's password; that user must choose a new one at their next
 * sign-in. Admins change their own password with changeOwnPassword (it asks for the current one).
 */
export async function resetPassword({ actor }: SystemAccess, userId: number, newPassword: string) {
  if (userId === actor.userId)
    throw invalid("newPassword", "To change your own password, use your profile: it asks for the current one.");
  const db = await getDb();
  const passwordHash = await hashPassword(newPassword);
  return db.$transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    await tx.user.update({
      where: { id: userId },
      data: { passwordHash, mustChangePassword: true, passwordChangedAt: new Date() },
    });
    await endSessions(userId, tx);
    await recordAudit(tx, actor, "user.reset_password", { type: "user", id: userId, detail: target.username });
    return { username: target.username };
  });
}

/**
 * The recovery command (`npm run admin:reset-password`): sets a user's password without a
 * session, to be changed at the next sign-in. Answers null when there is no such user.
 */
export async function recoverPassword(username: string, newPassword: string) {
  const db = await getDb();
  const passwordHash = await hashPassword(newPassword);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { username }, select: { id: true, sysadmin: true } });
    if (!user) return null;
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), disabledAt: null },
    });
    await endSessions(user.id, tx);
    await recordAudit(tx, "cli:admin-reset-password", "user.reset_password", {
      type: "user",
      id: user.id,
      detail: username,
    });
    return user;
  });
}

/**
 * Lets a user who is locked out of sign-in try again at once, from every client and on every web
 * process: lockout windows that began before now no longer block (lib/auth/credentials.ts).
 */
export async function clearSignInLockouts({ actor }: SystemAccess, userId: number) {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const target = await findTarget(tx, userId);
    await tx.user.update({ where: { id: userId }, data: { signInUnlockedAt: new Date() } });
    await recordAudit(tx, actor, "user.clear_sign_in_lockout", { type: "user", id: userId, detail: target.username });
    logger.info({ username: target.username.slice(0, 64) }, "sign-in lockouts cleared by a system admin");
    return { username: target.username };
  });
}

/** An OIDC user replaces their CLI secret; the audit entry names the change, never the secret. */
export async function regenerateOwnCliSecret(actor: UserActor): Promise<string> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const secret = await regenerateCliSecret(actor.userId, tx);
    await recordAudit(tx, actor, "user.cli_secret_rotate", { type: "user", id: actor.userId, detail: actor.username });
    return secret;
  });
}
