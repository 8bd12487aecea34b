import { env } from "@/lib/config/env";

/**
 * The connection's own address, written by the web server (scripts/web-server.ts) over anything a
 * client sent under this name. A request without it (called in-process) comes from UNKNOWN_CLIENT.
 */
export const PEER_ADDRESS_HEADER = "x-harbor-peer-address";
export const UNKNOWN_CLIENT = "unknown";

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function")
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/**
 * Who is asking, for throttling: the connection's address; when that is a trusted proxy
 * (TRUSTED_PROXIES), the nearest X-Forwarded-For entry that is not itself a trusted proxy.
 * A client cannot choose its address by sending X-Forwarded-For to a server that trusts no proxy.
 */
export function clientAddress(headers: HeaderSource): string {
  const peer = normalize(header(headers, PEER_ADDRESS_HEADER));
  if (!peer) return UNKNOWN_CLIENT;
  const trusted = env().TRUSTED_PROXIES;
  if (!trusted.has(peer)) return peer;
  const hops = (header(headers, "x-forwarded-for") ?? "").split(",").map(normalize);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (!hop) break;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

function normalize(value: string | undefined): string | undefined {
  const v = value?.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return v && /^[0-9A-Fa-f:.]{2,45}$/.test(v) ? v : undefined;
}
