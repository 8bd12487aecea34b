/**
 * Network guard: deliveries must not reach loopback, private, link-local or metadata addresses
 * (SSRF) unless an admin allow-lists the range. Checked on the resolved addresses, both before the
 * request and again at connect time (guardedLookup) so DNS rebinding in between is caught.
 */
import dns from "node:dns";
import net from "node:net";

export type NetworkGuardErrorCode = "address_refused" | "unresolvable" | "invalid_url";

/**
 * Why an address is refused, as data: callers that know who is asking (a system admin, a project
 * admin) build their own hint from it (refusalHint); the worker's log uses `reason`.
 */
export type Refusal = {
  /** The address judged, and the IPv4 address it stands for when it embeds one. */
  address: string;
  embedded?: string;
  /** "a private address", "a cloud metadata address"… */
  description: string;
  /** The CIDR of the refused range that matched, e.g. "10.0.0.0/8". */
  range: string;
  /** False for cloud metadata addresses: no allow list lets deliveries reach them. */
  allowListable: boolean;
};

export class NetworkGuardError extends Error {
  readonly code: NetworkGuardErrorCode;
  readonly refusal?: Refusal;
  constructor(code: NetworkGuardErrorCode, message: string, refusal?: Refusal) {
    super(message);
    this.name = "NetworkGuardError";
    this.code = code;
    this.refusal = refusal;
  }
}

export type AddressCheck = { allowed: true } | { allowed: false; reason: string; refusal?: Refusal };
export type ResolveAll = (hostname: string) => Promise<dns.LookupAddress[]>;

type Family = "ipv4" | "ipv6";
type RefusedRange = { description: string; cidrs: string[] };

const ALLOW_HINT = "add it to the allowed networks to deliver there";
const METADATA_HINT = "cloud metadata addresses are never delivered to, whatever the allowed networks say";

/**
 * Cloud metadata endpoints, refused even when an allowed network covers them (169.254.0.0/16,
 * 0.0.0.0/0…): a webhook that reaches one can read the instance's credentials. Only documented ones:
 * AWS, GCP, Azure, OCI… IMDS 169.254.169.254 and AWS's IPv6 IMDS fd00:ec2::254; AWS ECS task
 * metadata / credentials 169.254.170.2; EKS Pod Identity 169.254.170.23 and fd00:ec2::23; Alibaba
 * Cloud 100.100.100.200; Azure's WireServer 168.63.129.16.
 */
export const METADATA_ADDRESSES = [
  "169.254.169.254",
  "fd00:ec2::254",
  "169.254.170.2",
  "169.254.170.23",
  "fd00:ec2::23",
  "100.100.100.200",
  "168.63.129.16",
] as const;

const METADATA_RANGE: RefusedRange = {
  description: "a cloud metadata address",
  cidrs: METADATA_ADDRESSES.map((a) => (a.includes(":") ? `${a}/128` : `${a}/32`)),
};

// Order matters: the first matching range names the reason (link-local before unique-local…).
const REFUSED_RANGES: RefusedRange[] = [
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

type RangeMatcher = { description: string; allowListable: boolean; cidrs: { cidr: string; list: net.BlockList }[] };

function matcherOf(range: RefusedRange, allowListable: boolean): RangeMatcher {
  return {
    description: range.description,
    allowListable,
    cidrs: range.cidrs.map((cidr) => ({ cidr, list: blockListOf([cidr]) })),
  };
}

const METADATA_MATCHER = matcherOf(METADATA_RANGE, false);
const REFUSED_MATCHERS = REFUSED_RANGES.map((range) => matcherOf(range, true));

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

function matchRange(matcher: RangeMatcher, address: string, family: Family, embedded: string | null): Refusal | null {
  for (const { cidr, list } of matcher.cidrs) {
    const direct = list.check(address, family);
    if (direct || (embedded && list.check(embedded, "ipv4"))) {
      return {
        address,
        ...(embedded && !direct ? { embedded } : {}),
        description: matcher.description,
        range: cidr,
        allowListable: matcher.allowListable,
      };
    }
  }
  return null;
}

/** The worker's wording (the delivery log): "10.1.2.3 is a private address; add it to…". */
export function refusalReason(refusal: Refusal): string {
  const who = refusal.embedded ? `${refusal.address} (${refusal.embedded})` : refusal.address;
  return `${who} is ${refusal.description}; ${refusal.allowListable ? ALLOW_HINT : METADATA_HINT}`;
}

function refused(refusal: Refusal): AddressCheck {
  return { allowed: false, reason: refusalReason(refusal), refusal };
}

function judge(ip: string, isAllowed: (ip: string, family: Family) => boolean): AddressCheck {
  const address = bareAddress(ip);
  const family = familyOf(address);
  if (!family) return { allowed: false, reason: `${ip} is not a valid IP address` };
  const embedded = family === "ipv6" ? embeddedIPv4(address) : null;

  // Metadata first: no allowed network, however wide, lets a delivery reach one.
  const metadata = matchRange(METADATA_MATCHER, address, family, embedded);
  if (metadata) return refused(metadata);

  if (isAllowed(address, family)) return { allowed: true };
  if (embedded && isAllowed(embedded, "ipv4")) return { allowed: true };

  for (const matcher of REFUSED_MATCHERS) {
    const refusal = matchRange(matcher, address, family, embedded);
    if (refusal) return refused(refusal);
  }
  return { allowed: true };
}

export function checkAddress(ip: string, allow: readonly string[]): AddressCheck {
  return judge(ip, allowListMatcher(allow));
}

const resolveWithDns: ResolveAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** For a name, say which host it was: "localhost: 127.0.0.1 is a loopback address; …". */
function refusedFor(host: string, reason: string, refusal?: Refusal): NetworkGuardError {
  return new NetworkGuardError("address_refused", net.isIP(host) ? reason : `${host}: ${reason}`, refusal);
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
    if (!verdict.allowed) throw refusedFor(host, verdict.reason, verdict.refusal);
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
            callback(refusedFor(host, verdict.reason, verdict.refusal), []);
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

/** Who reads a refusal: a system admin can change the allowed networks; anyone else asks one. */
export type GuardAudience = "sysadmin" | "projectAdmin";

/**
 * A refusal in words for the person saving a target. A metadata address is never said to be
 * allow-listable; for the others a system admin is told where to allow the range, anyone else
 * to ask a system admin.
 */
export function refusalHint(refusal: Refusal, audience: GuardAudience, host?: string): string {
  const who = refusal.embedded ? `${refusal.address} (${refusal.embedded})` : refusal.address;
  const name = host ? bareAddress(host) : undefined;
  const subject = name && name !== refusal.address ? `${name} resolves to ${who}, which` : who;
  if (!refusal.allowListable) {
    return `${subject} is ${refusal.description}: deliveries never go there, whatever the allowed networks say.`;
  }
  const what = `${subject} is ${refusal.description} (${refusal.range}), so deliveries to it are refused`;
  return audience === "sysadmin"
    ? `${what}; to deliver there, allow the range in System settings → Allowed networks.`
    : `${what}; to deliver there, ask a system admin to allow the range.`;
}

export type UrlPreview =
  | { kind: "allowed"; addresses: string[] }
  | { kind: "refused"; host: string; refusal: Refusal }
  | { kind: "unresolvable"; host: string; detail: string }
  | { kind: "invalid"; detail: string };

/**
 * What the guard would say of a URL, for the moment it is saved: the host is resolved (bounded by
 * `timeoutMs`; a slow or failing lookup is "unresolvable", not an error) and every address judged.
 */
export async function previewUrl(
  url: string,
  allow: readonly string[],
  opts: { resolve?: ResolveAll; timeoutMs?: number } = {},
): Promise<UrlPreview> {
  const resolve = opts.resolve ?? resolveWithDns;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const boundedResolve: ResolveAll = (host) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error: NodeJS.ErrnoException = new Error("lookup timed out");
        error.code = `no answer within ${timeoutMs} ms`;
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([resolve(host), timeout]).finally(() => clearTimeout(timer));
  };
  try {
    const { addresses } = await assertUrlAllowed(url, allow, boundedResolve);
    return { kind: "allowed", addresses };
  } catch (error) {
    if (!(error instanceof NetworkGuardError)) throw error;
    if (error.code === "address_refused" && error.refusal) {
      return { kind: "refused", host: bareAddress(new URL(url).hostname), refusal: error.refusal };
    }
    if (error.code === "unresolvable") {
      return { kind: "unresolvable", host: bareAddress(new URL(url).hostname), detail: error.message };
    }
    return { kind: "invalid", detail: error.message };
  }
}
