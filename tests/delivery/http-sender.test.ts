import { afterAll, afterEach, describe, expect, it } from "vitest";
import { USER_AGENT, closeDeliveryAgents, sendHttp, type HttpSendRequest } from "@/lib/delivery/http-sender";
import { LOOPBACK_ALLOWED, makeSelfSignedCert, startServer, type LocalServer } from "../helpers/receiver";

const servers: LocalServer[] = [];
async function serve(...args: Parameters<typeof startServer>): Promise<LocalServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => closeDeliveryAgents());

function send(url: string, overrides: Partial<HttpSendRequest> = {}) {
  return sendHttp({
    url,
    body: JSON.stringify({ type: "PUSH_ARTIFACT" }),
    headers: { "Content-Type": "application/json", Authorization: "Bearer s3cret" },
    timeoutMs: 2_000,
    skipCertVerify: false,
    allowList: LOOPBACK_ALLOWED,
    ...overrides,
  });
}

describe("sendHttp against local servers", () => {
  it("posts the body and headers and keeps an excerpt of a 200", async () => {
    const server = await serve((_req, res) => res.end("accepted"));
    const result = await send(server.url);
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "accepted", responseTruncated: false });
    expect(result.errorKind).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [received] = server.requests;
    expect(received.method).toBe("POST");
    expect(received.url).toBe("/hook");
    expect(received.body).toBe('{"type":"PUSH_ARTIFACT"}');
    expect(received.headers["user-agent"]).toBe(USER_AGENT);
    expect(received.headers["content-type"]).toBe("application/json");
    expect(received.headers.authorization).toBe("Bearer s3cret");
  });

  it("reuses the keep-alive connection across deliveries", async () => {
    const server = await serve((_req, res) => res.end("ok"));
    for (let i = 0; i < 6; i++) expect((await send(server.url)).ok).toBe(true);
    expect(server.requests).toHaveLength(6);
    // undici frees a connection a tick after the body ends, so a back-to-back send may open a second one.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it("reports a 500 with its body", async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 500;
      res.end("database is down");
    });
    expect(await send(server.url)).toMatchObject({
      ok: false,
      status: 500,
      errorKind: "http",
      error: "HTTP 500",
      responseExcerpt: "database is down",
    });
  });

  it("does not follow a redirect: the Location target receives nothing", async () => {
    const target = await serve((_req, res) => res.end("should not be reached"));
    const redirecting = await serve((_req, res) => {
      res.writeHead(302, { Location: target.url });
      res.end();
    });
    const result = await send(redirecting.url);
    expect(result).toMatchObject({ ok: false, status: 302, errorKind: "http" });
    expect(result.error).toContain("not followed");
    expect(target.connections()).toBe(0);
  });

  it("gives up on a server that never answers, within the timeout", async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const result = await send(server.url, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, errorKind: "timeout" });
    expect(result.status).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(300 + 700);
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it("classifies a reset connection as a network error", async () => {
    const server = await serve((req) => req.socket.destroy());
    const result = await send(server.url);
    expect(result.ok).toBe(false);
    expect(result.errorKind).toBe("network");
    expect(result.error).toMatch(/closed|reset/);
  });

  it("classifies a refused connection as a network error", async () => {
    const server = await serve((_req, res) => res.end());
    const url = server.url;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    expect(await send(url)).toMatchObject({
      ok: false,
      errorKind: "network",
      error: "connection refused (ECONNREFUSED)",
    });
  });

  it("reads a slowly dripping body that completes within the timeout", async () => {
    const server = await serve((_req, res) => {
      res.write("a");
      setTimeout(() => res.write("b"), 50);
      setTimeout(() => res.end("c"), 100);
    });
    expect(await send(server.url)).toMatchObject({ ok: true, responseExcerpt: "abc", responseTruncated: false });
  });

  it("keeps the 2xx verdict when the body stalls past the timeout, returning on time", async () => {
    const server = await serve((_req, res) => res.write("partial")); // never ends
    const started = Date.now();
    const result = await send(server.url, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(300 + 700);
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "partial", responseTruncated: true });
  });

  it("reads at most 4096 bytes of a huge body and hangs up", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const server = await serve((_req, res) => {
      let sent = 0;
      const pump = () => {
        while (sent < 5 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const result = await send(server.url);
    expect(result).toMatchObject({ ok: true, status: 200, responseTruncated: true });
    expect(Buffer.byteLength(result.responseExcerpt ?? "")).toBe(4096);
  });

  it("honours a smaller excerpt limit without splitting a UTF-8 character", async () => {
    const server = await serve((_req, res) => res.end("ééééé")); // 10 bytes
    const result = await send(server.url, { maxExcerptBytes: 5 });
    expect(result).toMatchObject({ responseExcerpt: "éé", responseTruncated: true });
  });

  it("parses Retry-After on 429 (seconds) and 503 (HTTP date)", async () => {
    const tooMany = await serve((_req, res) => {
      res.writeHead(429, { "Retry-After": "7" });
      res.end("slow down");
    });
    expect(await send(tooMany.url)).toMatchObject({ ok: false, status: 429, errorKind: "http", retryAfterMs: 7000 });

    const unavailable = await serve((_req, res) => {
      res.writeHead(503, { "Retry-After": new Date(Date.now() + 60_000).toUTCString() });
      res.end();
    });
    const result = await send(unavailable.url);
    expect(result.status).toBe(503);
    expect(result.retryAfterMs).toBeGreaterThan(55_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("ignores Retry-After on other statuses", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500, { "Retry-After": "7" });
      res.end();
    });
    expect((await send(server.url)).retryAfterMs).toBeUndefined();
  });
});

describe("sendHttp request validation", () => {
  it.each<Record<string, string>>([
    { Authorization: "Bearer x\r\nX-Injected: 1" },
    { Authorization: "Bearer x\nX-Injected: 1" },
    { "X-Bad\r\nName": "v" },
  ])("refuses a line break in a header before connecting: %o", async (headers) => {
    const server = await serve((_req, res) => res.end("ok"));
    const result = await send(server.url, { headers });
    expect(result).toMatchObject({ ok: false, errorKind: "invalid_request" });
    expect(server.connections()).toBe(0);
  });

  it("refuses a non-http URL", async () => {
    expect(await send("file:///etc/passwd")).toMatchObject({ ok: false, errorKind: "invalid_request" });
  });
});

describe("sendHttp network guard", () => {
  it("refuses loopback without an allow list and delivers with 127.0.0.0/8", async () => {
    const server = await serve((_req, res) => res.end("ok"));
    const refused = await send(server.url, { allowList: [] });
    expect(refused).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(refused.error).toContain("127.0.0.1 is a loopback address");
    expect(server.connections()).toBe(0);
    expect(await send(server.url)).toMatchObject({ ok: true, status: 200 });
  });

  it("delivers to a host name whose addresses are all allow-listed (checked again by the pool's lookup)", async () => {
    const server = await serve((_req, res) => res.end("ok"));
    const result = await send(`http://localhost:${server.port}/hook`, { allowList: ["127.0.0.0/8", "::1"] });
    expect(result).toMatchObject({ ok: true, status: 200 });
  });

  it.each([
    (port: number) => `http://2130706433:${port}/`,
    (port: number) => `http://0x7f000001:${port}/`,
    (port: number) => `http://0177.0.0.1:${port}/`,
    (port: number) => `http://0x7f.1:${port}/`,
    (port: number) => `http://[::ffff:127.0.0.1]:${port}/`,
    (port: number) => `http://localhost:${port}/`,
  ])("refuses loopback spelled %s with no connection attempted", async (spell) => {
    const server = await serve((_req, res) => res.end("ok"));
    const result = await send(spell(server.port), { allowList: [] });
    expect(result).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(server.connections()).toBe(0);
  });
});

describe("sendHttp over TLS", () => {
  const tls = makeSelfSignedCert();

  it("refuses a self-signed certificate with a readable TLS error", async () => {
    const server = await serve((_req, res) => res.end("secure"), { tls });
    const result = await send(server.url);
    expect(result).toMatchObject({ ok: false, errorKind: "tls" });
    expect(result.error).toContain("self-signed");
    expect(server.requests).toHaveLength(0);
  });

  it("delivers when certificate verification is skipped", async () => {
    const server = await serve((_req, res) => res.end("secure"), { tls });
    expect(await send(server.url, { skipCertVerify: true })).toMatchObject({
      ok: true,
      status: 200,
      responseExcerpt: "secure",
    });
  });
});
