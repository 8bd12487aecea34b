import net from "node:net";

export type AllowListParse = { ok: true; list: string[] } | { ok: false; entry: string; message: string };

/**
 * The allowed networks as an admin types them (commas or new lines between IP addresses and CIDR
 * ranges), normalised; the first entry that is neither names the error.
 */
export function parseAllowList(text: string): AllowListParse {
  const list: string[] = [];
  for (const raw of text.split(/[,\n\r]+/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, prefixText, ...extra] = entry.split("/");
    const kind = net.isIP(address);
    const family = kind === 4 ? "ipv4" : kind === 6 ? "ipv6" : null;
    if (!family || address.includes("%") || extra.length > 0) {
      return { ok: false, entry, message: `"${entry}" is not an IP address or a CIDR range such as 10.0.0.0/8.` };
    }
    if (prefixText !== undefined) {
      const maxPrefix = family === "ipv4" ? 32 : 128;
      const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= maxPrefix)) {
        return { ok: false, entry, message: `"${entry}" needs a prefix length from 0 to ${maxPrefix} after the "/".` };
      }
    }
    list.push(entry.toLowerCase());
  }
  return { ok: true, list };
}
