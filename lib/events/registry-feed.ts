import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import type { RegistryResult } from "@/lib/events/schemas";

/**
 * What registries posted to POST /service/notifications, kept in the database (one RegistryFeed
 * row, id 1) so the settings page and /metrics show the same figures whichever web process took
 * the request. Each request adds to the counters with one atomic increment; only the latest reason
 * of each kind is kept, so a flood of bad requests overwrites one row and never grows the table.
 *
 * - accepted / duplicate / ignored count registry events (one envelope holds one or more);
 *   "ignored" are events meant for delivery that could not go (unknown project, webhooks off).
 *   Events we never deliver by design (blob layers, HEAD checks, repeats inside an envelope) are
 *   listed in the answer but not counted, so they do not hide the reasons an admin must act on.
 * - rejected counts requests answered with an error (no or bad token, bad JSON or envelope).
 *
 * A presented token is never stored or logged: reasons are our own words plus the source address.
 */

export const REGISTRY_OUTCOMES = ["accepted", "duplicate", "ignored", "rejected"] as const;
export type RegistryOutcome = (typeof REGISTRY_OUTCOMES)[number];

const MAX_REASON = 300;
const MAX_SOURCE = 64;

export type RegistryFeedView = {
  counts: Record<RegistryOutcome, number>;
  lastReceivedAt: Date | null;
  lastSource: string | null;
  lastIgnored: { reason: string; at: Date | null } | null;
  lastRejected: { reason: string; at: Date | null } | null;
};

/**
 * The client's address as the request carries it: Next.js puts the socket's address into
 * X-Forwarded-For unless the request already has that header, in which case the header is kept as
 * sent (a proxy's `$proxy_add_x_forwarded_for`, or a client's own). The last entry is the one the
 * nearest hop added. It is shown to admins as information and never used to decide anything.
 */
export function sourceAddress(headers: { get(name: string): string | null }): string {
  const last = (headers.get("x-forwarded-for") ?? "").split(",").pop()?.trim() ?? "";
  const clean = last.replace(/^::ffff:/i, "");
  return /^[0-9A-Fa-f:.[\]]{1,64}$/.test(clean) ? clean.slice(0, MAX_SOURCE) : "unknown address";
}

const bounded = (text: string) => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

/** Adds to the counters and sets the latest reasons, creating the row the first time. */
async function bump(data: {
  counts: Partial<Record<RegistryOutcome, number>>;
  source: string;
  ignoredReason?: string;
  rejectedReason?: string;
}) {
  const db = await getDb();
  const now = new Date();
  const increments = Object.fromEntries(
    Object.entries(data.counts)
      .filter(([, n]) => n && n > 0)
      .map(([k, n]) => [k, { increment: n }]),
  );
  const latest = {
    lastReceivedAt: now,
    lastSource: data.source.slice(0, MAX_SOURCE),
    ...(data.ignoredReason ? { lastIgnoredReason: bounded(data.ignoredReason), lastIgnoredAt: now } : {}),
    ...(data.rejectedReason ? { lastRejectedReason: bounded(data.rejectedReason), lastRejectedAt: now } : {}),
  };
  const update = () => db.registryFeed.updateMany({ where: { id: 1 }, data: { ...increments, ...latest } });
  if ((await update()).count > 0) return;
  // The migration inserts the row; a database restored without it gets it here (a concurrent
  // request may create it first: then the update goes through on the second try).
  await db.registryFeed.create({ data: { id: 1 } }).catch(() => undefined);
  await update();
}

/** An envelope the endpoint processed: its events by outcome, and a summary in the log. */
export async function recordRegistryEnvelope(result: RegistryResult, source: string): Promise<void> {
  const counted = result.ignored.filter((i) => i.code !== "not_applicable");
  // The most telling reason of the envelope: an unknown project before the switch.
  const reason =
    counted.find((i) => i.code === "unknown_project")?.reason ??
    counted.find((i) => i.code === "webhooks_disabled")?.reason;
  // The events are committed already: failing to count them must not fail the answer (the
  // registry would post the envelope again).
  await bump({
    counts: { accepted: result.accepted, duplicate: result.duplicates, ignored: counted.length },
    source,
    ignoredReason: reason ? `${reason} (from ${source})` : undefined,
  }).catch((err) => logger.warn({ err }, "could not count a registry notification"));
  logger.info(
    {
      source,
      accepted: result.accepted,
      duplicates: result.duplicates,
      deliveries: result.deliveries,
      ignored: counted.length,
      notApplicable: result.ignored.length - counted.length,
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
    await bump({ counts: { rejected: 1 }, source, rejectedReason: reason });
  } catch (e) {
    logger.warn({ err: e }, "could not record a rejected registry notification");
  }
  logger.info({ source, reason }, "registry notification rejected");
}

/** The row as the settings page and /metrics read it (zeros before the first notification). */
export async function readRegistryFeed(): Promise<RegistryFeedView> {
  const row = await (await getDb()).registryFeed.findUnique({ where: { id: 1 } });
  return {
    counts: {
      accepted: row?.accepted ?? 0,
      duplicate: row?.duplicate ?? 0,
      ignored: row?.ignored ?? 0,
      rejected: row?.rejected ?? 0,
    },
    lastReceivedAt: row?.lastReceivedAt ?? null,
    lastSource: row?.lastSource ?? null,
    lastIgnored: row?.lastIgnoredReason ? { reason: row.lastIgnoredReason, at: row.lastIgnoredAt } : null,
    lastRejected: row?.lastRejectedReason ? { reason: row.lastRejectedReason, at: row.lastRejectedAt } : null,
  };
}
