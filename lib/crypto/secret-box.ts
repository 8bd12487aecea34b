import crypto from "node:crypto";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";

// AES-256-GCM; stored as "v1:" + base64(iv | tag | ciphertext).
const VERSION = "v1:";

export function encryptSecret(plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", instanceSecrets().encryptionKey, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64");
}

export function decryptSecret(stored: string): string {
  if (!stored.startsWith(VERSION)) throw new Error("unknown secret format");
  const raw = Buffer.from(stored.slice(VERSION.length), "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", instanceSecrets().encryptionKey, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

export function decryptOptional(stored: string | null | undefined): string | undefined {
  return stored ? decryptSecret(stored) : undefined;
}

/** Constant-time comparison of two strings (tokens, keys). */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
