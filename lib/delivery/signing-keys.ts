import { decryptOptional } from "@/lib/crypto/secret-box";

/** Secrets that sign right now: the newest key and any older key still inside its overlap. */
export function activeSigningSecrets(
  keys: { secretEnc: string; expiresAt: Date | null; createdAt: Date }[],
  now = new Date(),
): string[] {
  return keys
    .filter((k) => !k.expiresAt || k.expiresAt > now)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .map((k) => decryptOptional(k.secretEnc)!)
    .filter(Boolean);
}
