import net from "node:net";

/** The TRUSTED_PROXIES setting: addresses and CIDRs, as a matcher and as written. */
export type TrustedProxies = { entries: string[]; has(address: string): boolean };

/** Parses "10.0.0.0/8, 127.0.0.1, ::1"; a bad entry throws a message naming it. */
export function parseTrustedProxies(value: string): TrustedProxies {
  const list = new net.BlockList();
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split("/");
    const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : undefined;
    const prefix = bits === undefined ? (family === "ipv4" ? 32 : 128) : Number(bits);
    if (
      !family ||
      extra !== undefined ||
      (bits !== undefined && !/^\d{1,3}$/.test(bits)) ||
      prefix > (family === "ipv4" ? 32 : 128)
    )
      throw new Error(`"${entry.slice(0, 64)}" is not an address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`);
    list.addSubnet(address, prefix, family);
  }
  return {
    entries,
    has(address: string) {
      const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
      const family = net.isIPv4(plain) ? "ipv4" : net.isIPv6(plain) ? "ipv6" : undefined;
      return family !== undefined && list.check(plain, family);
    },
  };
}
