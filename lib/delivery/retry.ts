/**
 * Retry policy: how many attempts, how long to wait between them, and which outcomes are worth retrying.
 */
import { z } from "zod";
import type { SendResult } from "./outcome";

export type RetryPolicy = {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  timeoutMs: number;
};

/** Harbor's defaults: 3 attempts, 3 s HTTP client timeout. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  backoffBaseMs: 2_000,
  backoffCapMs: 300_000,
  timeoutMs: 3_000,
});

/** A receiver's Retry-After is honoured up to this long; beyond it we assume a misconfiguration. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** The `retry_policy` object of the APIs (snake_case, every field optional, unknown keys refused). */
export const retryPolicySchema = z
  .strictObject({
    max_attempts: z.number().int().min(1).max(20).optional(),
    backoff_base_ms: z.number().int().min(100).max(3_600_000).optional(),
    backoff_cap_ms: z.number().int().min(100).max(86_400_000).optional(),
    timeout_ms: z.number().int().min(500).max(60_000).optional(),
  })
  .refine(
    (p) => p.backoff_base_ms === undefined || p.backoff_cap_ms === undefined || p.backoff_cap_ms >= p.backoff_base_ms,
    { message: "backoff_cap_ms must be at least backoff_base_ms", path: ["backoff_cap_ms"] },
  );

export type RetryPolicyInput = z.infer<typeof retryPolicySchema>;

/** Fills the fields the input leaves out from `defaults` (the system settings). */
export function toRetryPolicy(
  input: RetryPolicyInput | undefined,
  defaults: RetryPolicy = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  const backoffBaseMs = input?.backoff_base_ms ?? defaults.backoffBaseMs;
  return {
    maxAttempts: input?.max_attempts ?? defaults.maxAttempts,
    backoffBaseMs,
    // A base above an inherited cap would silently be ignored; let the base win instead.
    backoffCapMs: Math.max(input?.backoff_cap_ms ?? defaults.backoffCapMs, backoffBaseMs),
    timeoutMs: input?.timeout_ms ?? defaults.timeoutMs,
  };
}

/** The snake_case form, for API responses. */
export function fromRetryPolicy(policy: RetryPolicy): Required<RetryPolicyInput> {
  return {
    max_attempts: policy.maxAttempts,
    backoff_base_ms: policy.backoffBaseMs,
    backoff_cap_ms: policy.backoffCapMs,
    timeout_ms: policy.timeoutMs,
  };
}

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
 * success: 2xx. gone: 410 (the caller pauses the target). fail_permanent: retrying cannot help
 * (refused address, invalid request). Everything else is retried while attempts remain.
 */
export function classifyOutcome(result: SendResult): OutcomeClass {
  if (result.status !== undefined && result.status >= 200 && result.status < 300) return "success";
  if (result.status === 410) return "gone";
  if (result.errorKind === "refused_address" || result.errorKind === "invalid_request") return "fail_permanent";
  return "retry";
}
