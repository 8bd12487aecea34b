import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth/options";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { unauthorized } from "@/lib/errors";

type UserActor = Extract<Actor, { kind: "user" }>;

/** The signed-in user, re-read from the database so a deleted user or changed role takes effect. */
export async function currentUser(): Promise<UserActor | null> {
  const session = (await getServerSession(authOptions())) as { uid?: number } | null;
  if (!session?.uid) return null;
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: session.uid } });
  return user ? { kind: "user", userId: user.id, username: user.username, sysadmin: user.sysadmin } : null;
}

/** For pages: the user, or a redirect to the sign-in page. */
export async function requireUserPage(): Promise<UserActor> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

/** For server actions: the user, or an unauthorized error. */
export async function requireUserAction(): Promise<UserActor> {
  const user = await currentUser();
  if (!user) throw unauthorized("your session has expired; sign in again");
  return user;
}
