import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { createSlackRateLimiter, sendSlack } from "@/lib/delivery/slack-sender";
import { LOOPBACK_ALLOWED, startServer, type LocalServer } from "../helpers/receiver";

const servers: LocalServer[] = [];
async function fakeSlack(handler: Parameters<typeof startServer>[0]): Promise<LocalServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => closeDeliveryAgents());

const message = {
  text: "Harbor webhook events",
  blocks: [{ type: "section" as const, text: { type: "mrkdwn" as const, text: "*event_type:* PUSH_ARTIFACT" } }],
};

describe("sendSlack against a fake Slack", () => {
  it("posts the message as JSON", async () => {
    const slack = await fakeSlack((_req, res) => res.end("ok"));
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: LOOPBACK_ALLOWED });
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "ok" });
    const [received] = slack.requests;
    expect(received.method).toBe("POST");
    expect(received.headers["content-type"]).toBe("application/json");
    expect(received.headers["user-agent"]).toMatch(/^HarborNotifier\//);
    expect(JSON.parse(received.body)).toEqual(message);
  });

  it("maps a 429 with Retry-After to retryAfterMs, without retrying itself", async () => {
    const slack = await fakeSlack((_req, res) => {
      res.writeHead(429, { "Retry-After": "7" });
      res.end("rate_limited");
    });
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: LOOPBACK_ALLOWED });
    expect(result).toMatchObject({
      ok: false,
      status: 429,
      retryAfterMs: 7000,
      errorKind: "http",
      responseExcerpt: "rate_limited",
    });
    expect(slack.requests).toHaveLength(1);
  });

  it("reports Slack's error body on a 4xx", async () => {
    const slack = await fakeSlack((_req, res) => {
      res.statusCode = 404;
      res.end("no_service");
    });
    expect(await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: LOOPBACK_ALLOWED })).toMatchObject({
      ok: false,
      status: 404,
      errorKind: "http",
      responseExcerpt: "no_service",
    });
  });

  it("does not retry a 500 itself either", async () => {
    const slack = await fakeSlack((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: LOOPBACK_ALLOWED });
    expect(result).toMatchObject({ ok: false, status: 500, errorKind: "http" });
    expect(slack.requests).toHaveLength(1);
  });

  it("times out on a Slack that never answers", async () => {
    const slack = await fakeSlack(() => undefined);
    const started = Date.now();
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 300, allowList: LOOPBACK_ALLOWED });
    expect(result).toMatchObject({ ok: false, errorKind: "timeout" });
    expect(Date.now() - started).toBeLessThan(300 + 700);
  });

  it("classifies a reset connection as a network error", async () => {
    const slack = await fakeSlack((req) => req.socket.destroy());
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: LOOPBACK_ALLOWED });
    expect(result).toMatchObject({ ok: false, errorKind: "network" });
  });

  it("is subject to the network guard", async () => {
    const slack = await fakeSlack((_req, res) => res.end("ok"));
    const result = await sendSlack({ url: slack.url, message, timeoutMs: 2_000, allowList: [] });
    expect(result).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(slack.connections()).toBe(0);
  });
});

describe("createSlackRateLimiter", () => {
  function clock(start = 1_000_000) {
    let now = start;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }
  const hook = "https://hooks.slack.com/services/T000/B000/XXXX";

  it("allows a burst of 3, then one per second", () => {
    const time = clock();
    const limiter = createSlackRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
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
    const limiter = createSlackRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
    for (let i = 0; i < 3; i++) limiter.reserve(hook);
    time.advance(60_000);
    expect([limiter.reserve(hook), limiter.reserve(hook), limiter.reserve(hook)]).toEqual([0, 0, 0]);
    expect(limiter.reserve(hook)).toBeGreaterThan(0);
  });

  it("keeps webhooks independent", () => {
    const time = clock();
    const limiter = createSlackRateLimiter({ ratePerSec: 1, burst: 1, now: time.now });
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(1000);
    expect(limiter.reserve(hook + "2")).toBe(0);
  });

  it("blocks a webhook for the Retry-After of a 429, then sends one message and resumes the rate", () => {
    const time = clock();
    const limiter = createSlackRateLimiter({ ratePerSec: 1, burst: 3, now: time.now });
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
    const limiter = createSlackRateLimiter({ ratePerSec: 4, burst: 1, now: time.now });
    expect(limiter.reserve(hook)).toBe(0);
    expect(limiter.reserve(hook)).toBe(250);
  });
});
