import crypto from "node:crypto";
import { env } from "@/lib/config/env";

/** Keys longer than this are kept as their SHA-256: a window's memory never depends on what a client sent. */
const MAX_KEY_LENGTH = 96;

/** Windows one limiter keeps at most; past it the least recently used window is dropped. */
export const DEFAULT_MAX_ENTRIES = 20_000;

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * A fixed-window limiter in process memory: enough to slow brute force against one web process.
 * Several web processes each keep their own windows. Memory is bounded: keys are at most
 * MAX_KEY_LENGTH characters and at most `maxEntries` windows are kept (least recently used first out).
 */
export function createRateLimiter(opts: {
  limit: number | (() => number);
  windowMs: number;
  maxEntries?: number;
  now?: () => number;
}) {
  const now = opts.now ?? Date.now;
  const limit = typeof opts.limit === "number" ? () => opts.limit as number : opts.limit;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  /** Map order is the LRU order: a touched window is moved to the end, the first one is evicted. */
  const hits = new Map<string, { count: number; resetAt: number; startedAt: number }>();
  const live = (key: string, t: number) => {
    const entry = hits.get(key);
    if (entry && entry.resetAt <= t) {
      hits.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    maxEntries,
    /** Counts a hit; returns 0 when allowed, else the ms until the window resets. */
    hit(rawKey: string): number {
      const key = boundedKey(rawKey);
      const t = now();
      const entry = live(key, t);
      if (!entry) {
        hits.set(key, { count: 1, resetAt: t + opts.windowMs, startedAt: t });
        while (hits.size > maxEntries) hits.delete(hits.keys().next().value as string);
        return 0;
      }
      hits.delete(key);
      hits.set(key, entry);
      entry.count += 1;
      return entry.count > limit() ? entry.resetAt - t : 0;
    },
    /** Without counting: the ms until the window resets when `key` has used up its limit, else 0. */
    blockedFor(rawKey: string): number {
      const t = now();
      const entry = live(boundedKey(rawKey), t);
      return entry && entry.count >= limit() ? entry.resetAt - t : 0;
    },
    /** When the window of `key` started (ms since the epoch), if it has one. */
    startedAt(rawKey: string): number | undefined {
      return live(boundedKey(rawKey), now())?.startedAt;
    },
    reset(rawKey: string) {
      hits.delete(boundedKey(rawKey));
    },
    /** Windows kept right now (expired ones included until they are touched or evicted). */
    size(): number {
      return hits.size;
    },
  };
}

export function boundedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
}

/** Failed sign-ins one client may make for one user name in SIGN_IN_WINDOW_MS. */
export const SIGN_IN_FAILURES_PER_USER_AND_CLIENT = 10;
/** Failed sign-ins one client may make across all user names in SIGN_IN_WINDOW_MS (password spraying). */
export const SIGN_IN_FAILURES_PER_CLIENT = 50;
export const SIGN_IN_WINDOW_MS = 5 * 60_000;
/** Wrong registry tokens one client may present per minute before it is answered 429. */
export const BAD_REGISTRY_TOKENS_PER_CLIENT = 20;

// Kept on globalThis so every route bundle of the web process shares one set of windows.
const g = globalThis as unknown as { harborLimiters?: Record<string, RateLimiter> };
g.harborLimiters ??= {};
const limiters = g.harborLimiters;
/** Failed sign-ins per (user name, client address). */
limiters.login ??= createRateLimiter({ limit: SIGN_IN_FAILURES_PER_USER_AND_CLIENT, windowMs: SIGN_IN_WINDOW_MS });
/** Failed sign-ins per client address, whatever the user name. */
limiters.loginClient ??= createRateLimiter({ limit: SIGN_IN_FAILURES_PER_CLIENT, windowMs: SIGN_IN_WINDOW_MS });
/** requests per API key (or client address) per minute; the configuration is read at the first request */
limiters.api ??= createRateLimiter({ limit: () => env().API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 });
/** wrong registry notification tokens per client address per minute */
limiters.registryToken ??= createRateLimiter({ limit: BAD_REGISTRY_TOKENS_PER_CLIENT, windowMs: 60_000 });
export const loginLimiter = limiters.login;
export const loginClientLimiter = limiters.loginClient;
export const apiLimiter = limiters.api;
export const registryTokenLimiter = limiters.registryToken;
