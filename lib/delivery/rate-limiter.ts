/**
 * Per-webhook pacing for chat tools, which limit how fast one webhook URL may post. A token bucket
 * per URL: a webhook over its rate postpones only its own deliveries, never other targets'.
 */
import type { NotifyType } from "@/lib/shared/events";

export type RateLimiter = {
  /**
   * 0: a token was taken, send now. Otherwise: the ms until a token is free; nothing is taken, so
   * the worker postpones the task and asks again then (it never sleeps while holding a slot).
   */
  reserve(key: string): number;
  /** After a 429 (or a tool saying its window is spent): nothing goes to this webhook for `ms`; then one message, then the normal rate. */
  penalize(key: string, ms: number): void;
};

export type RateLimiterOptions = {
  ratePerSec?: number;
  burst?: number;
  now?: () => number;
};

type Bucket = { tokens: number; refilledAt: number; blockedUntil: number };

const MAX_TRACKED_WEBHOOKS = 1_000;

/** A token bucket per key (a webhook URL): `ratePerSec` on average, `burst` at once. */
export function createRateLimiter({ ratePerSec = 1, burst = 3, now = Date.now }: RateLimiterOptions = {}): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const msPerToken = 1000 / ratePerSec;

  function bucketFor(key: string, at: number): Bucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= MAX_TRACKED_WEBHOOKS) forgetIdle(at);
      bucket = { tokens: burst, refilledAt: at, blockedUntil: 0 };
      buckets.set(key, bucket);
    }
    const refill = (at - bucket.refilledAt) / msPerToken;
    if (refill > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + refill);
      bucket.refilledAt = at;
    }
    return bucket;
  }

  /** A full, unblocked bucket holds no information: drop it to bound memory. */
  function forgetIdle(at: number): void {
    for (const [key, bucket] of buckets) {
      const full = bucket.tokens + (at - bucket.refilledAt) / msPerToken >= burst;
      if (full && bucket.blockedUntil <= at) buckets.delete(key);
    }
  }

  return {
    reserve(key) {
      const at = now();
      const bucket = bucketFor(key, at);
      if (bucket.blockedUntil > at) return bucket.blockedUntil - at;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) * msPerToken);
    },
    penalize(key, ms) {
      const at = now();
      const bucket = bucketFor(key, at);
      const end = Math.max(bucket.blockedUntil, at + Math.max(0, ms));
      // No burst right after a 429: the block refills at most one token, usable when it ends.
      const refill = (end - Math.max(at, bucket.refilledAt)) / msPerToken;
      bucket.tokens = Math.min(1, bucket.tokens + Math.max(0, refill));
      bucket.refilledAt = end;
      bucket.blockedUntil = end;
    },
  };
}

/**
 * The documented limits per tool. Slack: about 1 message per second per webhook, short bursts.
 * Teams Workflows: about 4 requests per second per URL. Google Chat: 1 per second per space.
 * Discord: 5 per 2 seconds per webhook. Mattermost documents none: 10 per second spares a
 * self-hosted server. Email: 5 messages per second to the one SMTP server, which many relays
 * accept without deferring. http targets are not paced (their concurrency is the scheduler's).
 */
export const TOOL_RATES: Partial<Record<NotifyType, { ratePerSec: number; burst: number }>> = {
  slack: { ratePerSec: 1, burst: 3 },
  teams: { ratePerSec: 4, burst: 4 },
  googlechat: { ratePerSec: 1, burst: 1 },
  discord: { ratePerSec: 2.5, burst: 5 },
  mattermost: { ratePerSec: 10, burst: 10 },
  email: { ratePerSec: 5, burst: 5 },
};

/** The pacing of every paced notify type, one bucket per webhook. */
export type TargetRateLimits = {
  /** 0 to send now, else the ms to wait (see RateLimiter.reserve); always 0 for unpaced types. */
  reserve(type: string, address: string): number;
  penalize(type: string, address: string, ms: number): void;
};

/**
 * The bucket of a webhook (of the SMTP server, for email). Google Chat limits per space and Teams per workflow, both named by the
 * URL's path; the query (key, token, signature) does not make another webhook.
 */
function webhookKey(type: string, address: string): string {
  if (type === "slack") return address;
  // Every email goes through the one SMTP server of the instance: one bucket for all of them.
  if (type === "email") return "smtp";
  try {
    const u = new URL(address);
    return `${u.origin}${u.pathname}`;
  } catch {
    return address;
  }
}

export function createTargetRateLimits(now: () => number = Date.now): TargetRateLimits {
  const limiters = new Map<string, RateLimiter>(
    Object.entries(TOOL_RATES).map(([type, rate]) => [type, createRateLimiter({ ...rate, now })]),
  );
  return {
    reserve(type, address) {
      return limiters.get(type)?.reserve(webhookKey(type, address)) ?? 0;
    },
    penalize(type, address, ms) {
      limiters.get(type)?.penalize(webhookKey(type, address), ms);
    },
  };
}
