import { AppError, notFound } from "@/lib/errors";
import type { SystemAccess } from "@/lib/auth/access";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { CreateUserInput } from "@/lib/projects/schemas";

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
      throw new AppError("conflict", `a user named ${input.username} already exists`, "username");
    throw err;
  }
}

/** All users; the access is the proof that the caller is a system admin. */
export async function listUsers(_system: SystemAccess) {
  const db = await getDb();
  return db.user.findMany({
    orderBy: { username: "asc" },
    select: {
      id: true,
      username: true,
      email: true,
      sysadmin: true,
      createdAt: true,
      _count: { select: { memberships: true } },
    },
  });
}

export async function setSysadmin({ actor }: SystemAccess, userId: number, sysadmin: boolean) {
  if (actor.userId === userId && !sysadmin) {
    throw new AppError("validation_error", "you cannot remove your own system admin role", "sysadmin");
  }
  const db = await getDb();
  if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw notFound("user");
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { sysadmin } });
    await recordAudit(tx, actor, sysadmin ? "user.grant_admin" : "user.revoke_admin", { type: "user", id: userId });
  });
}
