import { env } from "@/lib/config/env";

/**
 * A fixed-window limiter in process memory: enough to slow brute force against one web process.
 * Several web processes each keep their own windows.
 */
export function createRateLimiter(opts: { limit: number | (() => number); windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const limit = typeof opts.limit === "number" ? () => opts.limit as number : opts.limit;
  const hits = new Map<string, { count: number; resetAt: number }>();
  return {
    /** Counts a hit; returns 0 when allowed, else the ms until the window resets. */
    hit(key: string): number {
      const t = now();
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.resetAt <= t) hits.delete(k);
      const entry = hits.get(key);
      if (!entry || entry.resetAt <= t) {
        hits.set(key, { count: 1, resetAt: t + opts.windowMs });
        return 0;
      }
      entry.count += 1;
      return entry.count > limit() ? entry.resetAt - t : 0;
    },
    /** Without counting: the ms until the window resets when `key` has used up its limit, else 0. */
    blockedFor(key: string): number {
      const entry = hits.get(key);
      const t = now();
      return entry && entry.resetAt > t && entry.count >= limit() ? entry.resetAt - t : 0;
    },
    reset(key: string) {
      hits.delete(key);
    },
  };
}

// Kept on globalThis so every route bundle of the web process shares one set of windows.
const g = globalThis as unknown as { harborLimiters?: Record<string, ReturnType<typeof createRateLimiter>> };
g.harborLimiters ??= {
  /** 10 failed sign-ins per user name per 5 minutes. */
  login: createRateLimiter({ limit: 10, windowMs: 5 * 60_000 }),
  /** requests per API key (or client address) per minute; the configuration is read at the first request */
  api: createRateLimiter({ limit: () => env().API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
};
export const loginLimiter = g.harborLimiters.login;
export const apiLimiter = g.harborLimiters.api;
