/**
 * Retry timing and outcome classification: how long to wait between attempts, and which outcomes are
 * worth retrying. The policy itself (shape, defaults, schema) is the contract in @/lib/shared/retry-policy.
 */
import type { RetryPolicy } from "@/lib/shared/retry-policy";
import type { SendResult } from "./outcome";

/** A receiver's Retry-After is honoured up to this long; beyond it we assume a misconfiguration. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** base·2^(n-1), capped: the ceiling of the wait after failed attempt n. */
export function backoffCeilingMs(
  attemptNumber: number,
  policy: Pick<RetryPolicy, "backoffBaseMs" | "backoffCapMs">,
): number {
  const n = Math.max(1, Math.floor(attemptNumber));
  return Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** (n - 1));
}

/**
 * Wait before the next attempt, after attempt `attemptNumber` (1-based) failed.
 * Equal jitter: half the ceiling plus a random half, so retries of many targets spread out but the
 * delay never collapses to ~0. A Retry-After from the receiver can only lengthen the wait.
 */
export function nextAttemptDelayMs(
  attemptNumber: number,
  policy: Pick<RetryPolicy, "backoffBaseMs" | "backoffCapMs">,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeilingMs(attemptNumber, policy);
  const half = ceiling / 2;
  const backoff = Math.round(half + random() * half);
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return backoff;
  return Math.max(backoff, Math.min(Math.round(retryAfterMs), MAX_RETRY_AFTER_MS));
}

export type OutcomeClass = "success" | "retry" | "gone" | "fail_permanent";

/**
 * success: 2xx (an SMTP 250 too). gone: 410 (the caller pauses the target). fail_permanent: retrying
 * cannot help (refused address, invalid request, an SMTP 5xx rejection). Everything else is retried
 * while attempts remain.
 */
export function classifyOutcome(result: SendResult): OutcomeClass {
  if (result.status !== undefined && result.status >= 200 && result.status < 300) return "success";
  if (result.status === 410) return "gone";
  if (
    result.errorKind === "refused_address" ||
    result.errorKind === "invalid_request" ||
    result.errorKind === "rejected"
  )
    return "fail_permanent";
  return "retry";
}
