import { AppError } from "@/lib/errors";
import { clientAddress, UNKNOWN_CLIENT } from "@/lib/auth/client-address";
export { REGISTRY_OUTCOMES, type RegistryOutcome } from "@/lib/settings/registry-feed";
import { addToRegistryFeed } from "@/lib/settings/registry-feed";
import { logger } from "@/lib/log/logger";
import type { RegistryResult } from "@/lib/events/schemas";

/**
 * What registries posted to POST /service/notifications, counted in the registry feed
 * (lib/settings/registry-feed.ts: one database row, atomic increments, the latest reasons).
 *
 * - accepted / duplicate / ignored count registry events (one envelope holds one or more);
 *   "ignored" are events meant for delivery that could not go (unknown project, webhooks off).
 *   Events we never deliver by design (blob layers, HEAD checks, repeats inside an envelope) are
 *   listed in the answer but not counted, so they do not hide the reasons an admin must act on.
 * - rejected counts requests answered with an error (no or bad token, bad JSON or envelope), and
 *   events of an accepted envelope that are not valid registry events (skipped, code invalid_event).
 *
 * A presented token is never stored or logged: reasons are our own words plus the source address.
 */

/**
 * The client's address, shown to admins as information and never used to decide anything: the
 * connection's own address (or, behind TRUSTED_PROXIES, the nearest untrusted X-Forwarded-For
 * hop), as throttling reads it (lib/auth/client-address.ts), whichever server took the request.
 */
export function sourceAddress(headers: { get(name: string): string | null }): string {
  const address = clientAddress(headers);
  return address === UNKNOWN_CLIENT ? "unknown address" : address;
}

/** An envelope the endpoint processed: its events by outcome, and a summary in the log. */
export async function recordRegistryEnvelope(result: RegistryResult, source: string): Promise<void> {
  const invalid = result.ignored.filter((i) => i.code === "invalid_event");
  const counted = result.ignored.filter((i) => i.code !== "not_applicable" && i.code !== "invalid_event");
  // The most telling reason of the envelope: an unknown project before the switch.
  const reason =
    counted.find((i) => i.code === "unknown_project")?.reason ??
    counted.find((i) => i.code === "webhooks_disabled")?.reason;
  // The events are committed already: failing to count them must not fail the answer (the
  // registry would post the envelope again).
  await addToRegistryFeed({
    counts: {
      accepted: result.accepted,
      duplicate: result.duplicates,
      ignored: counted.length,
      rejected: invalid.length,
    },
    source,
    ignoredReason: reason ? `${reason} (from ${source})` : undefined,
    rejectedReason: invalid[0] ? `event ${invalid[0].id}: ${invalid[0].reason} (from ${source})` : undefined,
  }).catch((err) => logger.warn({ err }, "could not count a registry notification"));
  logger.info(
    {
      source,
      accepted: result.accepted,
      duplicates: result.duplicates,
      deliveries: result.deliveries,
      ignored: counted.length,
      invalid: invalid.length,
      notApplicable: result.ignored.length - counted.length - invalid.length,
      projects: [...new Set(result.events.map((e) => e.project))].slice(0, 20),
      ignoredReasons: [...new Set(counted.map((i) => i.reason))].slice(0, 5),
    },
    "registry notification processed",
  );
}

/** Why a request was refused, in words an admin can act on (never the token itself). */
export function rejectionReason(err: unknown, hadBearer: boolean, source: string): string {
  if (err instanceof AppError) {
    if (err.code === "unauthorized") return `${hadBearer ? "bad token" : "no token"} from ${source}`;
    if (err.code === "rate_limited") return `rate limited: ${source}`;
    return `${err.message} (from ${source})`;
  }
  return `internal error while processing a notification from ${source}`;
}

/** A request the endpoint refused (bad token, bad JSON or envelope): counted, reason kept, logged. */
export async function recordRegistryRejection(
  req: { headers: { get(name: string): string | null } },
  err: unknown,
): Promise<void> {
  const source = sourceAddress(req.headers);
  const hadBearer = /^bearer\s+\S/i.test(req.headers.get("authorization") ?? "");
  const reason = rejectionReason(err, hadBearer, source);
  try {
    await addToRegistryFeed({ counts: { rejected: 1 }, source, rejectedReason: reason });
  } catch (e) {
    logger.warn({ err: e }, "could not record a rejected registry notification");
  }
  logger.info({ source, reason }, "registry notification rejected");
}
