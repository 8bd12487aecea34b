import { getDb, type Tx } from "@/lib/db/client";

/**
 * Sessions are signed cookies (next-auth JWTs) that carry the user's `sessionVersion` at sign-in.
 * Bumping the version in the database ends every session issued before, on every web process:
 * each request compares the cookie's version with the database (no cache, so no process lags).
 */
export class SessionEnded extends Error {
  constructor() {
    super("the session was ended (signed out, password changed, account disabled or deleted)");
    this.name = "SessionEnded";
  }
}

/** Whether a session of user `uid` issued at version `version` (absent: issued before versions, 0) still holds. */
export async function sessionIsCurrent(uid: unknown, version: unknown): Promise<boolean> {
  if (typeof uid !== "number" || !Number.isSafeInteger(uid)) return false;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: uid }, select: { sessionVersion: true, disabledAt: true } });
  return !!user && !user.disabledAt && user.sessionVersion === (typeof version === "number" ? version : 0);
}

/** Ends every session of the user (inside the caller's transaction when given); answers the new version. */
export async function endSessions(userId: number, tx?: Tx): Promise<number> {
  const db = tx ?? (await getDb());
  const user = await db.user.update({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return user.sessionVersion;
}
