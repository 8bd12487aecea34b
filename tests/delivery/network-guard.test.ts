import net from "node:net";
import type { LookupAddress } from "node:dns";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkGuardError, assertUrlAllowed, checkAddress, guardedLookup } from "@/lib/delivery/network-guard";
import { parseAllowList } from "@/lib/settings/allow-list";
import { LOOPBACK_ALLOWED, startServer, type LocalServer } from "../helpers/receiver";

/** A resolver that answers from a table, so no test depends on (or sends) real DNS traffic. */
function fakeResolver(table: Record<string, string[]>) {
  return async (hostname: string): Promise<LookupAddress[]> => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  };
}

async function refusal(promise: Promise<unknown>): Promise<NetworkGuardError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetworkGuardError);
  return error as NetworkGuardError;
}

describe("checkAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.201", "carrier-grade NAT"],
    ["100.100.100.200", "cloud metadata"], // Alibaba Cloud
    ["169.254.169.254", "cloud metadata"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd00::1", "unique-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "cloud metadata"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["::ffff:10.1.2.3", "private"],
    ["64:ff9b::a00:1", "private"], // NAT64 of 10.0.0.1
    ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
  ])("refuses %s (%s)", (ip, kind) => {
    const verdict = checkAddress(ip, []);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.reason).toContain(kind);
      // Metadata addresses are never said to be allow-listable.
      expect(verdict.reason).toContain(
        kind === "cloud metadata" ? "never delivered to" : "add it to the allowed networks",
      );
    }
  });

  it("words the reason for the admin", () => {
    expect(checkAddress("127.0.0.1", [])).toEqual({
      allowed: false,
      reason: "127.0.0.1 is a loopback address; add it to the allowed networks to deliver there",
      refusal: {
        address: "127.0.0.1",
        description: "a loopback address",
        range: "127.0.0.0/8",
        allowListable: true,
      },
    });
  });

  it.each(["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "::ffff:93.184.216.34"])(
    "allows the public address %s (judged only; nothing is sent)",
    (ip) => {
      expect(checkAddress(ip, [])).toEqual({ allowed: true });
    },
  );

  it("allows a refused address inside an allow-listed range", () => {
    expect(checkAddress("127.0.0.1", ["127.0.0.0/8"])).toEqual({ allowed: true });
    expect(checkAddress("::ffff:127.0.0.1", ["127.0.0.0/8"])).toEqual({ allowed: true });
    expect(checkAddress("10.20.30.40", ["10.20.0.0/16"])).toEqual({ allowed: true });
    expect(checkAddress("10.21.0.1", ["10.20.0.0/16"]).allowed).toBe(false);
    expect(checkAddress("fd12::5", ["fd12::/16"])).toEqual({ allowed: true });
    expect(checkAddress("192.168.1.10", ["192.168.1.10"])).toEqual({ allowed: true });
    expect(checkAddress("192.168.1.11", ["192.168.1.10"]).allowed).toBe(false);
  });

  it("refuses what is not an IP address", () => {
    expect(checkAddress("localhost", []).allowed).toBe(false);
    expect(checkAddress("0177.0.0.1", []).allowed).toBe(false);
  });
});

describe("parseAllowList", () => {
  it("accepts CIDRs and single addresses separated by commas or newlines", () => {
    expect(parseAllowList(" 10.0.0.0/8, 192.168.1.5\n\nfd00::/8\r\n::1 ,")).toEqual({
      ok: true,
      list: ["10.0.0.0/8", "192.168.1.5", "fd00::/8", "::1"],
    });
    expect(parseAllowList("")).toEqual({ ok: true, list: [] });
  });

  it.each([
    ["10.0.0.0/33", "10.0.0.0/33"],
    ["fd00::/129", "fd00::/129"],
    ["10.0.0.0/", "10.0.0.0/"],
    ["10.0.0.0/8/8", "10.0.0.0/8/8"],
    ["example.com", "example.com"],
    ["10.0.0.256", "10.0.0.256"],
    ["10.0.0.0/8, nope", "nope"],
    ["10.0.0.0/-1", "10.0.0.0/-1"],
  ])("rejects %s naming the entry", (text, entry) => {
    const result = parseAllowList(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.entry).toBe(entry);
      expect(result.message).toContain(entry);
    }
  });
});

describe("assertUrlAllowed", () => {
  it("refuses 127.0.0.1 without an allow list and allows it with 127.0.0.0/8", async () => {
    const error = await refusal(assertUrlAllowed("http://127.0.0.1:8080/x", []));
    expect(error.code).toBe("address_refused");
    expect(error.message).toBe("127.0.0.1 is a loopback address; add it to the allowed networks to deliver there");
    await expect(assertUrlAllowed("http://127.0.0.1:8080/x", LOOPBACK_ALLOWED)).resolves.toEqual({
      addresses: ["127.0.0.1"],
    });
  });

  it.each([
    "http://10.0.0.1/",
    "https://172.16.5.4/hook",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://127.0.0.1./",
    "http://0.0.0.0/",
    "http://localhost/", // the only entry that needs a lookup (the hosts file)
  ])("refuses %s without connecting anywhere", async (url) => {
    const error = await refusal(assertUrlAllowed(url, []));
    expect(error.code).toBe("address_refused");
    expect(error.message).toContain(
      error.refusal?.allowListable === false ? "never delivered to" : "add it to the allowed networks",
    );
  });

  it("names the host and the refused address for a DNS name", async () => {
    const error = await refusal(
      assertUrlAllowed("http://intranet.example/", [], fakeResolver({ "intranet.example": ["10.1.2.3"] })),
    );
    expect(error.message).toBe(
      "intranet.example: 10.1.2.3 is a private address; add it to the allowed networks to deliver there",
    );
  });

  it("refuses when any one of several resolved addresses is refused", async () => {
    const resolve = fakeResolver({ "mixed.example": ["93.184.216.34", "127.0.0.1"] });
    await refusal(assertUrlAllowed("https://mixed.example/", [], resolve));
    await expect(assertUrlAllowed("https://mixed.example/", LOOPBACK_ALLOWED, resolve)).resolves.toEqual({
      addresses: ["93.184.216.34", "127.0.0.1"],
    });
  });

  it("reports an unresolvable host", async () => {
    const error = await refusal(assertUrlAllowed("http://nowhere.example/", [], fakeResolver({})));
    expect(error.code).toBe("unresolvable");
    expect(error.message).toContain("nowhere.example");
  });

  it.each(["ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1/", "not a url"])(
    "refuses %s as an invalid URL",
    async (url) => {
      expect((await refusal(assertUrlAllowed(url, []))).code).toBe("invalid_url");
    },
  );
});

describe("guardedLookup at connect time (DNS rebinding)", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => res.end("ok"));
  });
  afterAll(() => server.close());

  function connect(lookup: net.LookupFunction): Promise<"connected" | Error> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: "rebound.example", port: server.port, lookup, timeout: 5_000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error) => resolve(error));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(new Error("timeout"));
      });
    });
  }

  it("refuses the connection when the name now resolves to a refused address", async () => {
    const before = server.connections();
    const result = await connect(guardedLookup([], fakeResolver({ "rebound.example": ["127.0.0.1"] })));
    expect(result).toBeInstanceOf(NetworkGuardError);
    expect((result as NetworkGuardError).message).toContain("rebound.example: 127.0.0.1 is a loopback address");
    expect(server.connections()).toBe(before);
  });

  it("connects when the resolved address is allow-listed", async () => {
    const result = await connect(guardedLookup(LOOPBACK_ALLOWED, fakeResolver({ "rebound.example": ["127.0.0.1"] })));
    expect(result).toBe("connected");
  });

  it("works as undici's connect lookup", async () => {
    const resolve = fakeResolver({ "rebound.example": ["127.0.0.1"] });
    const url = `http://rebound.example:${server.port}/`;
    const refusing = new Agent({ connect: { lookup: guardedLookup([], resolve) } });
    const allowing = new Agent({ connect: { lookup: guardedLookup(LOOPBACK_ALLOWED, resolve) } });
    try {
      const before = server.connections();
      const error = await request(url, { method: "POST", body: "x", dispatcher: refusing }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NetworkGuardError);
      expect(server.connections()).toBe(before);
      const response = await request(url, { method: "POST", body: "x", dispatcher: allowing });
      expect(await response.body.text()).toBe("ok");
    } finally {
      await Promise.all([refusing.close(), allowing.close()]);
    }
  });

  it("answers single-address lookups too", async () => {
    const lookup = guardedLookup(LOOPBACK_ALLOWED, fakeResolver({ "rebound.example": ["127.0.0.1"] }));
    const answer = await new Promise<unknown[]>((resolve) => lookup("rebound.example", {}, (...args) => resolve(args)));
    expect(answer).toEqual([null, "127.0.0.1", 4]);
  });
});
