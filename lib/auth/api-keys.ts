import crypto from "node:crypto";
import { getDb } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";

export const API_KEY_MODES = ["live", "test"] as const;
export type ApiKeyMode = (typeof API_KEY_MODES)[number];

const KEY_PATTERN = /^hk_(live|test)_[A-Za-z0-9]{32}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex");
}

/** A new key `hk_<mode>_<32 random base62>`; only its hash is stored. */
export function generateApiKey(mode: ApiKeyMode): { key: string; prefix: string; hash: string } {
  const bytes = crypto.randomBytes(32);
  let body = "";
  for (const b of bytes) body += ALPHABET[b % ALPHABET.length];
  const key = `hk_${mode}_${body}`;
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

export function looksLikeApiKey(token: string): boolean {
  return KEY_PATTERN.test(token);
}

/** The key's actor, or null for an unknown or revoked key. Lookup is by hash (constant-time by construction). */
export async function authenticateApiKey(token: string): Promise<Extract<Actor, { kind: "apiKey" }> | null> {
  if (!looksLikeApiKey(token)) return null;
  const db = await getDb();
  const row = await db.apiKey.findUnique({ where: { hash: hashApiKey(token) } });
  if (!row || row.revokedAt) return null;
  // Last-used is informative; at most one write a minute per key.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { kind: "apiKey", keyId: row.id, projectId: row.projectId, mode: row.mode as ApiKeyMode, name: row.name };
}
