/**
 * Network guard: deliveries must not reach loopback, private, link-local or metadata addresses
 * (SSRF) unless an admin allow-lists the range. Checked on the resolved addresses, both before the
 * request and again at connect time (guardedLookup) so DNS rebinding in between is caught.
 */
import dns from "node:dns";
import net from "node:net";

export type NetworkGuardErrorCode = "address_refused" | "unresolvable" | "invalid_url";

export class NetworkGuardError extends Error {
  readonly code: NetworkGuardErrorCode;
  constructor(code: NetworkGuardErrorCode, message: string) {
    super(message);
    this.name = "NetworkGuardError";
    this.code = code;
  }
}

export type AddressCheck = { allowed: true } | { allowed: false; reason: string };
export type ResolveAll = (hostname: string) => Promise<dns.LookupAddress[]>;

type Family = "ipv4" | "ipv6";
type RefusedRange = { description: string; cidrs: string[] };

const ALLOW_HINT = "add it to the allowed networks to deliver there";

// Order matters: the first matching range names the reason (metadata before link-local/unique-local).
const REFUSED_RANGES: RefusedRange[] = [
  { description: "a cloud metadata address", cidrs: ["169.254.169.254/32", "fd00:ec2::254/128"] },
  { description: "an unspecified address", cidrs: ["0.0.0.0/8", "::/128"] },
  { description: "a loopback address", cidrs: ["127.0.0.0/8", "::1/128"] },
  { description: "a private address", cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] },
  { description: "a carrier-grade NAT (shared) address", cidrs: ["100.64.0.0/10"] },
  { description: "a link-local address", cidrs: ["169.254.0.0/16", "fe80::/10"] },
  { description: "a unique-local (private IPv6) address", cidrs: ["fc00::/7", "fec0::/10"] },
  { description: "a multicast address", cidrs: ["224.0.0.0/4", "ff00::/8"] },
  {
    description: "a reserved address",
    cidrs: [
      "240.0.0.0/4", // includes the broadcast address 255.255.255.255
      "192.0.0.0/24",
      "192.0.2.0/24",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "100::/64",
      "2001:db8::/32",
    ],
  },
];

function splitCidr(cidr: string): { address: string; prefix: number; family: Family } {
  const [address, prefixText] = cidr.split("/");
  const family: Family = net.isIPv4(address) ? "ipv4" : "ipv6";
  const maxPrefix = family === "ipv4" ? 32 : 128;
  return { address, prefix: prefixText === undefined ? maxPrefix : Number(prefixText), family };
}

function blockListOf(cidrs: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const { address, prefix, family } = splitCidr(cidr);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

const REFUSED_LISTS = REFUSED_RANGES.map((range) => ({
  description: range.description,
  list: blockListOf(range.cidrs),
}));

// --- parsing helpers ---

/** Accepts `[v6]` and zone ids (`fe80::1%eth0`) as they appear in URLs and lookups. */
function bareAddress(ip: string): string {
  const unbracketed = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  const zone = unbracketed.indexOf("%");
  return zone >= 0 ? unbracketed.slice(0, zone) : unbracketed;
}

/** Eight 16-bit groups; the input has already passed net.isIPv6. */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split(".").map(Number);
    text = text.slice(0, -dotted[1].length) + ((a << 8) | b).toString(16) + ":" + ((c << 8) | d).toString(16);
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].map((g) => parseInt(g, 16));
}

function ipv4FromBits(high: number, low: number): string {
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/**
 * The IPv4 address an IPv6 address stands for, where the network would route it to that IPv4
 * host: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIPv4(ip: string): string | null {
  const g = ipv6Groups(ip);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4FromBits(g[6], g[7]);
  if (zeroUpTo(6) && (g[6] !== 0 || g[7] > 1)) return ipv4FromBits(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4FromBits(g[6], g[7]);
  if (g[0] === 0x2002) return ipv4FromBits(g[1], g[2]);
  return null;
}

function familyOf(ip: string): Family | null {
  const kind = net.isIP(ip);
  return kind === 4 ? "ipv4" : kind === 6 ? "ipv6" : null;
}

// --- allow list ---

function allowListMatcher(allow: readonly string[]): (ip: string, family: Family) => boolean {
  if (allow.length === 0) return () => false;
  const list = blockListOf(allow);
  return (ip, family) => list.check(ip, family);
}

// --- address judgement ---

function judge(ip: string, isAllowed: (ip: string, family: Family) => boolean): AddressCheck {
  const address = bareAddress(ip);
  const family = familyOf(address);
  if (!family) return { allowed: false, reason: `${ip} is not a valid IP address` };
  if (isAllowed(address, family)) return { allowed: true };

  const embedded = family === "ipv6" ? embeddedIPv4(address) : null;
  if (embedded && isAllowed(embedded, "ipv4")) return { allowed: true };

  for (const { description, list } of REFUSED_LISTS) {
    if (list.check(address, family)) {
      return { allowed: false, reason: `${address} is ${description}; ${ALLOW_HINT}` };
    }
    if (embedded && list.check(embedded, "ipv4")) {
      return { allowed: false, reason: `${address} (${embedded}) is ${description}; ${ALLOW_HINT}` };
    }
  }
  return { allowed: true };
}

export function checkAddress(ip: string, allow: readonly string[]): AddressCheck {
  return judge(ip, allowListMatcher(allow));
}

const resolveWithDns: ResolveAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** For a name, say which host it was: "localhost: 127.0.0.1 is a loopback address; …". */
function refusedFor(host: string, reason: string): NetworkGuardError {
  return new NetworkGuardError("address_refused", net.isIP(host) ? reason : `${host}: ${reason}`);
}

/**
 * Throws NetworkGuardError unless every address of the URL's host is allowed.
 * WHATWG URL parsing already turns http://2130706433/, http://0x7f.1/ and http://0177.0.0.1/ into
 * 127.0.0.1, so those spellings arrive here as plain IP literals.
 */
export async function assertUrlAllowed(
  url: string,
  allow: readonly string[],
  resolve: ResolveAll = resolveWithDns,
): Promise<{ addresses: string[] }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NetworkGuardError("invalid_url", `"${url}" is not a valid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new NetworkGuardError("invalid_url", `Only http and https URLs can be delivered to, not ${parsed.protocol}`);
  }
  const host = bareAddress(parsed.hostname);
  const isAllowed = allowListMatcher(allow);

  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
  } else {
    let resolved: dns.LookupAddress[];
    try {
      resolved = await resolve(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "lookup failed";
      throw new NetworkGuardError("unresolvable", `Cannot resolve ${host} (${code})`);
    }
    if (resolved.length === 0) throw new NetworkGuardError("unresolvable", `Cannot resolve ${host} (no addresses)`);
    addresses = resolved.map((entry) => entry.address);
  }

  for (const address of addresses) {
    const verdict = judge(address, isAllowed);
    if (!verdict.allowed) throw refusedFor(host, verdict.reason);
  }
  return { addresses };
}

/**
 * A `lookup` for net.connect / tls.connect / undici's `connect` option that refuses the connection
 * when any resolved address is refused. Node skips `lookup` for IP literals, so callers must also
 * run assertUrlAllowed (which judges literals) before connecting.
 */
export function guardedLookup(allow: readonly string[], resolve: ResolveAll = resolveWithDns): net.LookupFunction {
  const isAllowed = allowListMatcher(allow);
  return (hostname, options, callback) => {
    const host = bareAddress(hostname);
    const resolved: Promise<dns.LookupAddress[]> = net.isIP(host)
      ? Promise.resolve([{ address: host, family: net.isIP(host) }])
      : resolve(host);
    resolved.then(
      (entries) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? entries.filter((entry) => entry.family === options.family)
            : entries;
        if (wanted.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`Cannot resolve ${host} (no addresses)`);
          error.code = "ENOTFOUND";
          callback(error, []);
          return;
        }
        for (const entry of wanted) {
          const verdict = judge(entry.address, isAllowed);
          if (!verdict.allowed) {
            callback(refusedFor(host, verdict.reason), []);
            return;
          }
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
