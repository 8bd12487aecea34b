import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { sendSlack } from "@/lib/delivery/slack-sender";
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
