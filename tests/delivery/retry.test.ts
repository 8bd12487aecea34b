import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SendResult } from "@/lib/delivery/outcome";
import { MAX_RETRY_AFTER_MS, backoffCeilingMs, classifyOutcome, nextAttemptDelayMs } from "@/lib/delivery/retry";
import { DEFAULT_RETRY_POLICY, fromRetryPolicy, retryPolicySchema, toRetryPolicy } from "@/lib/shared/retry-policy";

const policyArb = fc
  .record({
    backoffBaseMs: fc.integer({ min: 100, max: 3_600_000 }),
    backoffCapMs: fc.integer({ min: 100, max: 86_400_000 }),
  })
  .filter((p) => p.backoffCapMs >= p.backoffBaseMs);
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("nextAttemptDelayMs", () => {
  it("stays within [min(base·2^(n-1), cap)/2, min(base·2^(n-1), cap)] — and so never above the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), policyArb, randomArb, (n, policy, r) => {
        const exponential = policy.backoffBaseMs * 2 ** (n - 1);
        const ceiling = Math.min(exponential, policy.backoffCapMs);
        const delay = nextAttemptDelayMs(n, policy, undefined, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(delay).toBeLessThanOrEqual(policy.backoffCapMs);
        if (exponential <= policy.backoffCapMs) expect(delay).toBeGreaterThanOrEqual(Math.floor(exponential / 2));
      }),
      { numRuns: 500 },
    );
  });

  it("has a ceiling that grows with the attempt number until it reaches the cap, then stays there", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 39 }), policyArb, (n, policy) => {
        const now = backoffCeilingMs(n, policy);
        const next = backoffCeilingMs(n + 1, policy);
        expect(next).toBeGreaterThanOrEqual(now);
        expect(next).toBeLessThanOrEqual(policy.backoffCapMs);
        if (now < policy.backoffCapMs) expect(next).toBe(Math.min(now * 2, policy.backoffCapMs));
        // With the same random draw the delay itself is monotone in n too.
        expect(nextAttemptDelayMs(n + 1, policy, undefined, () => 0.5)).toBeGreaterThanOrEqual(
          nextAttemptDelayMs(n, policy, undefined, () => 0.5),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("lets Retry-After lengthen the wait, but never beyond an hour, and never shorten it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        policyArb,
        randomArb,
        fc.integer({ min: 1, max: 10 * 86_400_000 }),
        (n, policy, r, retryAfter) => {
          const backoff = nextAttemptDelayMs(n, policy, undefined, () => r);
          const delay = nextAttemptDelayMs(n, policy, retryAfter, () => r);
          expect(delay).toBe(Math.max(backoff, Math.min(retryAfter, MAX_RETRY_AFTER_MS)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("uses the defaults: 1–2 s, 2–4 s, 4–8 s …", () => {
    expect(nextAttemptDelayMs(1, DEFAULT_RETRY_POLICY, undefined, () => 0)).toBe(1000);
    expect(nextAttemptDelayMs(1, DEFAULT_RETRY_POLICY, undefined, () => 0.999999)).toBe(2000);
    expect(nextAttemptDelayMs(3, DEFAULT_RETRY_POLICY, undefined, () => 0)).toBe(4000);
    expect(nextAttemptDelayMs(30, DEFAULT_RETRY_POLICY, undefined, () => 1)).toBe(300_000);
    expect(nextAttemptDelayMs(1, DEFAULT_RETRY_POLICY, 7000, () => 0)).toBe(7000);
    expect(nextAttemptDelayMs(1, DEFAULT_RETRY_POLICY, 0, () => 0)).toBe(1000);
  });
});

describe("retryPolicySchema / toRetryPolicy", () => {
  it("fills missing fields from the defaults", () => {
    expect(toRetryPolicy(retryPolicySchema.parse({}))).toEqual(DEFAULT_RETRY_POLICY);
    expect(toRetryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(toRetryPolicy(retryPolicySchema.parse({ max_attempts: 5, timeout_ms: 10_000 }))).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 5,
      timeoutMs: 10_000,
    });
  });

  it("fills from other defaults (the system settings) when given", () => {
    const system = { maxAttempts: 7, backoffBaseMs: 500, backoffCapMs: 60_000, timeoutMs: 5_000 };
    expect(toRetryPolicy({ max_attempts: 2 }, system)).toEqual({ ...system, maxAttempts: 2 });
  });

  it("raises an inherited cap below a custom base up to the base", () => {
    expect(toRetryPolicy({ backoff_base_ms: 600_000 })).toMatchObject({
      backoffBaseMs: 600_000,
      backoffCapMs: 600_000,
    });
  });

  it("round-trips through the snake_case form", () => {
    const policy = { maxAttempts: 4, backoffBaseMs: 1000, backoffCapMs: 90_000, timeoutMs: 2500 };
    expect(toRetryPolicy(retryPolicySchema.parse(fromRetryPolicy(policy)))).toEqual(policy);
  });

  it.each([
    [{ max_attempts: 0 }, "max_attempts"],
    [{ max_attempts: 21 }, "max_attempts"],
    [{ max_attempts: 2.5 }, "max_attempts"],
    [{ max_attempts: "3" }, "max_attempts"],
    [{ backoff_base_ms: 99 }, "backoff_base_ms"],
    [{ backoff_base_ms: 3_600_001 }, "backoff_base_ms"],
    [{ backoff_cap_ms: 86_400_001 }, "backoff_cap_ms"],
    [{ timeout_ms: 499 }, "timeout_ms"],
    [{ timeout_ms: 60_001 }, "timeout_ms"],
    [{ backoff_base_ms: 5000, backoff_cap_ms: 1000 }, "backoff_cap_ms"],
    [{ maxAttempts: 3 }, ""],
    [{ retries: 3 }, ""],
  ])("rejects %o", (input, field) => {
    const result = retryPolicySchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success && field) expect(result.error.issues[0].path).toEqual([field]);
  });

  it("accepts the bounds", () => {
    expect(
      retryPolicySchema.safeParse({ max_attempts: 1, backoff_base_ms: 100, backoff_cap_ms: 100, timeout_ms: 500 })
        .success,
    ).toBe(true);
    expect(
      retryPolicySchema.safeParse({
        max_attempts: 20,
        backoff_base_ms: 3_600_000,
        backoff_cap_ms: 86_400_000,
        timeout_ms: 60_000,
      }).success,
    ).toBe(true);
  });
});

describe("classifyOutcome", () => {
  const result = (fields: Partial<SendResult>): SendResult => ({ ok: false, durationMs: 5, ...fields });

  it.each<[Partial<SendResult>, ReturnType<typeof classifyOutcome>]>([
    [{ ok: true, status: 200 }, "success"],
    [{ ok: true, status: 204 }, "success"],
    [{ status: 410, errorKind: "http" }, "gone"],
    [{ status: 302, errorKind: "http" }, "retry"],
    [{ status: 400, errorKind: "http" }, "retry"],
    [{ status: 404, errorKind: "http" }, "retry"],
    [{ status: 429, errorKind: "http", retryAfterMs: 7000 }, "retry"],
    [{ status: 500, errorKind: "http" }, "retry"],
    [{ status: 503, errorKind: "http" }, "retry"],
    [{ errorKind: "timeout" }, "retry"],
    [{ errorKind: "network" }, "retry"],
    [{ errorKind: "tls" }, "retry"],
    [{ errorKind: "refused_address" }, "fail_permanent"],
    [{ errorKind: "invalid_request" }, "fail_permanent"],
  ])("%o → %s", (fields, expected) => {
    expect(classifyOutcome(result(fields))).toBe(expected);
  });
});
