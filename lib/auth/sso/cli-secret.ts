/**
 * The CLI secret of an OIDC user (Harbor's): the HTTP Basic password on the API, since the
 * user's own password lives at their OpenID provider. Stored encrypted so the profile page can
 * show it again; regenerating it ends the old one at once.
 */
import crypto from "node:crypto";
import { decryptSecret, encryptSecret, safeEqual } from "@/lib/crypto/secret-box";
import { getDb, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

/** 32 random characters, letters and digits (Harbor's CLI secrets look the same). */
export function generateCliSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (const b of crypto.randomBytes(32)) out += alphabet[b % alphabet.length];
  return out;
}

export function verifyCliSecret(stored: string | null | undefined, presented: string): boolean {
  if (!stored || !presented) return false;
  try {
    return safeEqual(decryptSecret(stored), presented);
  } catch {
    return false;
  }
}

/** The user's CLI secret, created on first request; null for users who do not sign in through OIDC. */
export async function cliSecretOf(userId: number): Promise<string | null> {
  const db = await getDb();
  const identity = await db.userIdentity.findUnique({ where: { userId } });
  if (!identity || identity.source !== "oidc") return null;
  if (identity.cliSecretEnc) return decryptSecret(identity.cliSecretEnc);
  return regenerateCliSecret(userId);
}

/** A new CLI secret for the user; the previous one stops working. */
export async function regenerateCliSecret(userId: number, tx?: Tx): Promise<string> {
  const db = tx ?? (await getDb());
  const identity = await db.userIdentity.findUnique({ where: { userId } });
  if (!identity || identity.source !== "oidc")
    throw new AppError("forbidden", "Only users who sign in through OIDC have a CLI secret.");
  const secret = generateCliSecret();
  await db.userIdentity.update({ where: { id: identity.id }, data: { cliSecretEnc: encryptSecret(secret) } });
  return secret;
}

/** Where the user signs in (null: a local account), with the CLI secret of an OIDC user. */
export async function directoryAccount(userId: number): Promise<{ source: string; cliSecret: string | null } | null> {
  const db = await getDb();
  const identity = await db.userIdentity.findUnique({ where: { userId }, select: { source: true } });
  if (!identity) return null;
  return { source: identity.source, cliSecret: await cliSecretOf(userId) };
}
