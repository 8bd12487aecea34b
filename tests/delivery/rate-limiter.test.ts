import { describe, expect, it } from "vitest";
import { createRateLimiter, createTargetRateLimits } from "@/lib/delivery/rate-limiter";

describe("createRateLimiter", () => {
  function clock(start = 1_000_000) {
    let now = start;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }
  const hook = "https://hooks.slack.com/services/T000/B000/XXXX";

  it("allows a burst of 3, then one per second", () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
    expect([limiter.reserve(hook), limiter.reserve(hook), limiter.reserve(hook)]).toEqual([0, 0, 0]);
    expect(limiter.reserve(hook)).toBe(1000);
    time.advance(400);
    expect(limiter.reserve(hook)).toBe(600); // asking again takes nothing
    time.advance(600);
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(1000);

    // Following the advice spaces sends ~1 s apart.
    const sendTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const wait = limiter.reserve(hook);
      time.advance(wait);
      if (wait > 0) expect(limiter.reserve(hook)).toBe(0);
      sendTimes.push(time.now());
    }
    const gaps = sendTimes.slice(1).map((t, i) => t - sendTimes[i]);
    expect(gaps).toEqual([1000, 1000, 1000, 1000]);
  });

  it("refills to the burst size after an idle period, never above it", () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
    for (let i = 0; i < 3; i++) limiter.reserve(hook);
    time.advance(60_000);
    expect([limiter.reserve(hook), limiter.reserve(hook), limiter.reserve(hook)]).toEqual([0, 0, 0]);
    expect(limiter.reserve(hook)).toBeGreaterThan(0);
  });

  it("keeps webhooks independent", () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSec: 1, burst: 1, now: time.now });
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(1000);
    expect(limiter.reserve(hook + "2")).toBe(0);
  });

  it("blocks a webhook for the Retry-After of a 429, then sends one message and resumes the rate", () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
    expect(limiter.reserve(hook)).toBe(0);
    limiter.penalize(hook, 7000);
    expect(limiter.reserve(hook)).toBe(7000);
    time.advance(6000);
    expect(limiter.reserve(hook)).toBe(1000);
    time.advance(1000);
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(1000);
    limiter.penalize(hook, 0); // a penalty never shortens an existing block
    expect(limiter.reserve(hook)).toBeGreaterThan(0);
  });

  it("supports other rates", () => {
    const time = clock();
    const limiter = createRateLimiter({ ratePerSec: 4, burst: 1, now: time.now });
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(250);
  });
});

describe("createTargetRateLimits", () => {
  function clock(start = 1_000_000) {
    let now = start;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }

  it("paces each tool at its documented rate, and never http targets", () => {
    const time = clock();
    const limits = createTargetRateLimits(time.now);
    const burst = (type: string, url: string) => {
      let sent = 0;
      while (limits.reserve(type, url) === 0) sent++;
      return sent;
    };
    expect(burst("discord", "https://discord.com/api/webhooks/1/a")).toBe(5); // 5 per 2 s
    expect(limits.reserve("discord", "https://discord.com/api/webhooks/1/a")).toBe(400);
    expect(burst("googlechat", "https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t")).toBe(1);
    expect(limits.reserve("googlechat", "https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t")).toBe(1000);
    expect(burst("teams", "https://x.logic.azure.com/workflows/w/triggers/manual/paths/invoke?sig=s")).toBe(4);
    expect(burst("slack", "https://hooks.slack.com/services/T/B/X")).toBe(3);
    expect(burst("mattermost", "https://mm.example.com/hooks/abc")).toBe(10);
    for (let i = 0; i < 100; i++) expect(limits.reserve("http", "https://ci.example.com/hook")).toBe(0);
  });

  it("keeps webhooks and tools apart: a spent or penalised webhook holds up no other", () => {
    const time = clock();
    const limits = createTargetRateLimits(time.now);
    const space = "https://chat.googleapis.com/v1/spaces/A/messages";
    expect(limits.reserve("googlechat", `${space}?key=k&token=t1`)).toBe(0);
    // Google Chat limits per space: another token for the same space shares its bucket.
    expect(limits.reserve("googlechat", `${space}?key=k&token=t2`)).toBe(1000);
    expect(limits.reserve("googlechat", "https://chat.googleapis.com/v1/spaces/B/messages?key=k")).toBe(0);
    limits.penalize("discord", "https://discord.com/api/webhooks/1/a", 5_000);
    expect(limits.reserve("discord", "https://discord.com/api/webhooks/1/a")).toBe(5_000);
    expect(limits.reserve("discord", "https://discord.com/api/webhooks/2/b")).toBe(0);
    expect(limits.reserve("mattermost", "https://discord.com/api/webhooks/1/a")).toBe(0);
    time.advance(5_000);
    expect(limits.reserve("discord", "https://discord.com/api/webhooks/1/a")).toBe(0);
  });
});
