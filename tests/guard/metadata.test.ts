import net from "node:net";
import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import {
  METADATA_ADDRESSES,
  assertUrlAllowed,
  checkAddress,
  guardedLookup,
  previewUrl,
  refusalHint,
  type Refusal,
} from "@/lib/delivery/network-guard";

const fake =
  (table: Record<string, string[]>) =>
  async (hostname: string): Promise<LookupAddress[]> => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  };

const EVERYTHING = ["0.0.0.0/0", "::/0"];

describe("cloud metadata addresses stay refused whatever the allow list says", () => {
  const spellings = [
    ...METADATA_ADDRESSES,
    "::ffff:169.254.169.254", // IPv4-mapped
    "::ffff:a9fe:a9fe",
    "::ffff:100.100.100.200",
    "64:ff9b::a9fe:a9fe", // NAT64
    "2002:a9fe:a9fe::", // 6to4
    "FD00:EC2::254",
  ];
  const allowLists = [
    [],
    EVERYTHING,
    ["169.254.0.0/16", "fd00::/8"],
    ["169.254.169.254", "fd00:ec2::254"],
    ["100.64.0.0/10"],
  ];

  it.each(spellings)("%s", (ip) => {
    for (const allow of allowLists) {
      const verdict = checkAddress(ip, allow);
      expect(verdict, `${ip} with ${allow.join(",")}`).toMatchObject({
        allowed: false,
        refusal: { description: "a cloud metadata address", allowListable: false },
      });
      if (!verdict.allowed) expect(verdict.reason).not.toContain("add it to the allowed networks");
    }
  });

  it("the neighbours of a metadata address follow the allow list", () => {
    expect(checkAddress("169.254.169.253", EVERYTHING)).toEqual({ allowed: true });
    expect(checkAddress("169.254.169.253", [])).toMatchObject({ allowed: false, refusal: { range: "169.254.0.0/16" } });
    expect(checkAddress("fd00:ec2::255", ["fd00::/8"])).toEqual({ allowed: true });
    expect(checkAddress("10.1.2.3", EVERYTHING)).toEqual({ allowed: true });
  });

  it("before the request, by name, and at connect time", async () => {
    const resolve = fake({ "meta.example": ["169.254.169.254"], "meta6.example": ["fd00:ec2::254"] });
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
      "http://meta.example/",
      "http://meta6.example/",
    ]) {
      const error = await assertUrlAllowed(url, EVERYTHING, resolve).then(
        () => null,
        (e: unknown) => e as { code: string; refusal?: Refusal; message: string },
      );
      expect(error, url).toMatchObject({ code: "address_refused", refusal: { allowListable: false } });
      expect(error!.message).toMatch(/never delivered to/);
    }
    const lookup = guardedLookup(EVERYTHING, resolve);
    const outcome = await new Promise<unknown>((done) => lookup("meta.example", { all: true }, (err) => done(err)));
    expect(outcome).toMatchObject({ code: "address_refused", refusal: { allowListable: false } });
  });
});

describe("refusalHint: the message for the person saving a target", () => {
  const privateRefusal: Refusal = {
    address: "10.1.2.3",
    description: "a private address",
    range: "10.0.0.0/8",
    allowListable: true,
  };
  const metadata: Refusal = {
    address: "169.254.169.254",
    description: "a cloud metadata address",
    range: "169.254.169.254/32",
    allowListable: false,
  };

  it("a system admin is told where to allow the range", () => {
    expect(refusalHint(privateRefusal, "sysadmin")).toBe(
      "10.1.2.3 is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, allow the range in System settings → Allowed networks.",
    );
  });

  it("a project admin is told to ask a system admin", () => {
    expect(refusalHint(privateRefusal, "projectAdmin", "intranet.example")).toBe(
      "intranet.example resolves to 10.1.2.3, which is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, ask a system admin to allow the range.",
    );
  });

  it("nobody is told to allow-list a metadata address", () => {
    for (const audience of ["sysadmin", "projectAdmin"] as const) {
      const text = refusalHint(metadata, audience);
      expect(text).toBe(
        "169.254.169.254 is a cloud metadata address: deliveries never go there, whatever the allowed networks say.",
      );
      expect(text).not.toMatch(/allow the range|System settings/);
    }
  });
});

describe("previewUrl: the save-time judgement", () => {
  it("allowed, refused (with the range), unresolvable", async () => {
    const resolve = fake({ "ok.example": ["93.184.215.14"], "lan.example": ["192.168.1.5"] });
    await expect(previewUrl("https://ok.example/h", [], { resolve })).resolves.toEqual({
      kind: "allowed",
      addresses: ["93.184.215.14"],
    });
    await expect(previewUrl("https://lan.example/h", [], { resolve })).resolves.toMatchObject({
      kind: "refused",
      host: "lan.example",
      refusal: { address: "192.168.1.5", range: "192.168.0.0/16", allowListable: true },
    });
    await expect(previewUrl("https://gone.example/h", [], { resolve })).resolves.toEqual({
      kind: "unresolvable",
      host: "gone.example",
      detail: "Cannot resolve gone.example (ENOTFOUND)",
    });
  });

  it("a lookup that never answers is unresolvable after the timeout, not a hang", async () => {
    const started = Date.now();
    const verdict = await previewUrl("https://slow.example/", [], {
      resolve: () => new Promise(() => {}),
      timeoutMs: 50,
    });
    expect(verdict).toEqual({
      kind: "unresolvable",
      host: "slow.example",
      detail: "Cannot resolve slow.example (no answer within 50 ms)",
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
