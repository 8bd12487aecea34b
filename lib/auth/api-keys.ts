import crypto from "node:crypto";
import { getDb } from "@/lib/db/client";
import { configSnapshot, type ConfigSnapshot } from "@/lib/db/config-cache";
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

type KeyRow = { id: number; projectId: number; mode: string; name: string; lastUsedAt: Date | null };

/** When this process last wrote each key's lastUsedAt (ms), so a cached key is not written on every request. */
const lastUsedWritten = new Map<number, number>();

/**
 * The key's actor, or null for an unknown or revoked key. Lookup is by hash (constant-time by
 * construction), from memory while the configuration version holds (a revocation bumps it).
 */
export async function authenticateApiKey(
  token: string,
  config?: ConfigSnapshot,
): Promise<Extract<Actor, { kind: "apiKey" }> | null> {
  if (!looksLikeApiKey(token)) return null;
  const hash = hashApiKey(token);
  const snapshot = config ?? (await configSnapshot());
  const row = await snapshot.memo(`api-key:${hash}`, async (): Promise<KeyRow | null> => {
    const db = await getDb();
    const found = await db.apiKey.findUnique({ where: { hash } });
    return found && !found.revokedAt ? found : null;
  });
  if (!row) return null;
  // Last-used is informative; at most one write a minute per key (and process).
  const now = Date.now();
  const written = Math.max(lastUsedWritten.get(row.id) ?? 0, row.lastUsedAt?.getTime() ?? 0);
  if (now - written > 60_000) {
    if (lastUsedWritten.size >= 10_000) lastUsedWritten.clear();
    lastUsedWritten.set(row.id, now);
    const db = await getDb();
    await db.apiKey.updateMany({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { kind: "apiKey", keyId: row.id, projectId: row.projectId, mode: row.mode as ApiKeyMode, name: row.name };
}
