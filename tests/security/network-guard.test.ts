// The network guard through the Destinations API and real delivery attempts: private, link-local,
// unique-local, metadata and loopback addresses (and their decimal, hex, octal and IPv4-mapped
// spellings, and names resolving to them) are refused unless allow-listed, before any connection.
import net from "node:net";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as destinations from "@/app/v1/destinations/route";
import * as destination from "@/app/v1/destinations/[id]/route";
import { assertUrlAllowed } from "@/lib/delivery/network-guard";
import { sendHttp } from "@/lib/delivery/http-sender";
import { startServer, type LocalServer } from "../helpers/receiver";
import { makeApiKey, makeProject } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { createOwnDatabase, type OwnDatabase } from "../helpers/own-database";
import { agentSetup, startAgent, startWorker, type Child } from "../reliability/processes";
import { until } from "../helpers/until";
import { recordFigure } from "../reliability/figures";

/** Refused in every configuration of the tests (only loopback is allow-listed there). */
const REFUSED: [url: string, range: RegExp][] = [
  ["http://10.0.0.1/hook", /private address/],
  ["http://10.255.255.254:8080/hook", /private address/],
  ["http://172.16.0.1/hook", /private address/],
  ["http://172.31.255.254/hook", /private address/],
  ["http://192.168.0.1/hook", /private address/],
  ["http://192.168.255.254/hook", /private address/],
  ["http://169.254.169.254/latest/meta-data/", /cloud metadata address/],
  ["http://169.254.10.10/hook", /link-local address/],
  ["http://[fd00::1]/hook", /unique-local/],
  ["http://[fd12:3456:789a::1]/hook", /unique-local/],
  ["http://[fe80::1]/hook", /link-local address/],
  ["http://100.64.0.1/hook", /carrier-grade NAT/],
  ["http://0.0.0.0/hook", /unspecified address/],
  ["http://[::ffff:10.0.0.1]/hook", /private address/],
  ["http://[::ffff:169.254.169.254]/hook", /cloud metadata address/],
  ["http://167772161/hook", /private address/], // 10.0.0.1, decimal
  ["http://0xa000001/hook", /private address/], // 10.0.0.1, hex
  ["http://0xA9.0xFE.0xA9.0xFE/hook", /cloud metadata address/], // 169.254.169.254, dotted hex
  ["http://0251.0376.0251.0376/hook", /cloud metadata address/], // 169.254.169.254, octal
  ["http://[64:ff9b::a00:1]/hook", /private address/], // NAT64 of 10.0.0.1
  ["http://[2002:c0a8:101::1]/hook", /private address/], // 6to4 of 192.168.1.1
];

/** Loopback in all its spellings: refused without an allow list, allowed with 127.0.0.0/8 + ::1. */
const LOOPBACK = [
  "http://127.0.0.1/hook",
  "http://127.1.2.3/hook",
  "http://[::1]/hook",
  "http://[::ffff:127.0.0.1]/hook",
  "http://2130706433/hook",
  "http://0x7f000001/hook",
  "http://0177.0.0.1/hook",
  "http://localhost/hook",
];

let key: string;
beforeAll(async () => {
  const project = await makeProject();
  key = (await makeApiKey(project.id, "test")).key;
});

describe("Destinations API", () => {
  it.each(REFUSED)("refuses %s with url_not_reachable, naming the range", async (url, range) => {
    const r = await call(destinations.POST, { path: "/v1/destinations", key, body: { url } });
    expect(r.status, r.text).toBe(400);
    expect(r.json).toMatchObject({ error: { code: "url_not_reachable", field: "url" } });
    expect((r.json as { error: { message: string } }).error.message).toMatch(range);
  });

  it("refuses a refused address in PATCH too, and keeps the old URL", async () => {
    const created = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: "http://127.0.0.1:9/ok" },
    });
    const id = (created.json as { id: string }).id;
    const r = await call(destination.PATCH, {
      method: "PATCH",
      path: `/v1/destinations/${id}`,
      key,
      params: { id },
      body: { url: "http://169.254.169.254/" },
    });
    expect(r.json).toMatchObject({ error: { code: "url_not_reachable", field: "url" } });
    const after = await call(destination.GET, { path: `/v1/destinations/${id}`, key, params: { id } });
    expect((after.json as { url: string }).url).toBe("http://127.0.0.1:9/ok");
  });

  it.each(LOOPBACK)("accepts %s while loopback is allow-listed (ALLOWED_NETWORKS of the tests)", async (url) => {
    const r = await call(destinations.POST, { path: "/v1/destinations", key, body: { url } });
    expect(r.status, r.text).toBe(201);
  });
});

describe("the guard's decision on each spelling without an allow list", () => {
  it.each(LOOPBACK)("%s is a loopback address", async (url) => {
    await expect(assertUrlAllowed(url, [])).rejects.toThrow(/loopback address/);
  });
  it("a DNS name is judged by what it resolves to", async () => {
    const resolveTo = (address: string) => async () => [{ address, family: net.isIP(address) }];
    await expect(assertUrlAllowed("http://internal.example/", [], resolveTo("10.1.2.3"))).rejects.toThrow(
      /internal\.example: 10\.1\.2\.3 is a private address/,
    );
    await expect(assertUrlAllowed("http://meta.example/", [], resolveTo("169.254.169.254"))).rejects.toThrow(
      /cloud metadata/,
    );
    await expect(assertUrlAllowed("http://v6.example/", [], resolveTo("fd00::5"))).rejects.toThrow(/unique-local/);
  });
});

describe("real delivery attempts", () => {
  const connects: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    connects.length = 0;
  });
  function watchConnections() {
    const original = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      connects.push(JSON.stringify(args[0]).slice(0, 100));
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    const tlsOriginal = tls.connect;
    vi.spyOn(tls, "connect").mockImplementation(((...args: unknown[]) => {
      connects.push(`tls ${JSON.stringify(args[0]).slice(0, 100)}`);
      return (tlsOriginal as (...a: unknown[]) => tls.TLSSocket)(...args);
    }) as typeof tls.connect);
  }

  it.each(REFUSED)("%s: refused before any connection is opened", async (url, range) => {
    watchConnections();
    const r = await sendHttp({
      url,
      body: "{}",
      headers: {},
      timeoutMs: 3000,
      skipCertVerify: false,
      allowList: ["127.0.0.0/8", "::1/128"],
    });
    expect(r).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(r.error).toMatch(range);
    expect(r.durationMs).toBeLessThan(500);
    expect(connects).toEqual([]);
  });

  it("(the watch sees connections: an allowed local receiver is reached through it)", async () => {
    const local = await startServer((_q, res) => res.end("ok"));
    try {
      watchConnections();
      const r = await sendHttp({
        url: local.url,
        body: "{}",
        headers: {},
        timeoutMs: 3000,
        skipCertVerify: false,
        allowList: ["127.0.0.0/8"],
      });
      expect(r.ok).toBe(true);
      expect(connects.length).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });

  it("the same over https (no TLS handshake is started)", async () => {
    watchConnections();
    const r = await sendHttp({
      url: "https://192.168.1.1/hook",
      body: "{}",
      headers: {},
      timeoutMs: 3000,
      skipCertVerify: true,
      allowList: [],
    });
    expect(r).toMatchObject({ ok: false, errorKind: "refused_address" });
    expect(connects).toEqual([]);
  });
});

describe("a worker on a database of its own, first without an allow list, then with 127.0.0.0/8 in settings", () => {
  let own: OwnDatabase;
  let rx: LocalServer;
  const children: Child[] = [];
  beforeAll(async () => {
    own = await createOwnDatabase("guard");
    rx = await startServer((_q, res) => res.end("ok"));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => c.killHard()));
    await rx?.close();
    await own?.dispose();
  });

  it("refuses loopback (127.0.0.1, localhost, decimal, hex, IPv4-mapped) without connecting, and delivers once the admin allow-lists it", async () => {
    const env = { ...own.env, ALLOWED_NETWORKS: "" };
    const port = rx.port;
    const urls = [
      `http://127.0.0.1:${port}/a`,
      `http://localhost:${port}/b`,
      `http://2130706433:${port}/c`,
      `http://0x7f000001:${port}/d`,
      `http://[::ffff:127.0.0.1]:${port}/e`,
    ];
    const s = await agentSetup<{ projectId: number; policies: { id: number }[] }>(env, {
      project: "guard",
      policies: [
        {
          name: "loopback",
          event_types: ["PUSH_ARTIFACT"],
          targets: urls.map((address) => ({ type: "http", address })),
          retry_policy: { max_attempts: 3 },
        },
      ],
    });
    const ingest = startAgent(env, ["ingest", String(s.projectId), "1"]);
    children.push(ingest);
    await ingest.waitForLine(/^done/, 60_000);
    const worker = startWorker(env);
    children.push(worker);
    await until(
      async () => (await own.db.task.count({ where: { status: "Error" } })) === urls.length,
      30_000,
      "every loopback task refused",
    );
    const refused = await own.db.task.findMany({ include: { attempts: true } });
    for (const t of refused) {
      // Not retried: no retry can make a refused address allowed.
      expect(t.runCount).toBe(1);
      expect(t.attempts[0].error).toMatch(/loopback address; add it to the allowed networks/);
    }
    expect(rx.connections()).toBe(0);
    await worker.killHard();

    // The system admin allow-lists loopback in the settings (the environment still has none).
    await own.db.systemSettings.update({ where: { id: 1 }, data: { allowedNetworks: "127.0.0.0/8" } });
    const again = startAgent(env, ["ingest", String(s.projectId), "1"]);
    children.push(again);
    await again.waitForLine(/^done/, 60_000);
    const second = startWorker(env);
    children.push(second);
    await until(
      async () => (await own.db.task.count({ where: { status: "Success" } })) === urls.length,
      30_000,
      "delivered once allow-listed",
    );
    expect(rx.requests.map((r) => r.url).sort()).toEqual(["/a", "/b", "/c", "/d", "/e"]);
    recordFigure("network-guard", {
      refusedSpellings: REFUSED.length,
      loopbackSpellings: LOOPBACK.length,
      connectionsToRefused: 0,
    });
    console.log(
      `network guard: ${REFUSED.length} refused addresses/spellings via the API and real attempts (0 connections), ${LOOPBACK.length} loopback spellings, worker refusal then allow-list`,
    );
  }, 120_000);
});
