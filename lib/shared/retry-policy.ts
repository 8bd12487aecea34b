/**
 * The retry policy contract: its shape, Harbor's defaults, the API's `retry_policy` schema (whose
 * bounds the UI form reads) and the mapping between the two. Browser-safe.
 */
import { z } from "zod";
import { numberIn } from "@/lib/shared/input-rules";

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

/** The `retry_policy` object of the APIs (snake_case, every field optional, unknown keys refused). */
export const retryPolicySchema = z
  .strictObject(
    {
      max_attempts: numberIn(1, 20).optional(),
      backoff_base_ms: numberIn(100, 3_600_000, { unit: "milliseconds" }).optional(),
      backoff_cap_ms: numberIn(100, 86_400_000, { unit: "milliseconds" }).optional(),
      timeout_ms: numberIn(500, 60_000, { unit: "milliseconds" }).optional(),
    },
    "Send the retry policy as an object, or null for the system defaults.",
  )
  .refine(
    (p) => p.backoff_base_ms === undefined || p.backoff_cap_ms === undefined || p.backoff_cap_ms >= p.backoff_base_ms,
    { message: "Make backoff_cap_ms at least as long as backoff_base_ms.", path: ["backoff_cap_ms"] },
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
