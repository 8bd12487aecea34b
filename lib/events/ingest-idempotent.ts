import crypto from "node:crypto";
import { isUniqueViolation } from "@/lib/db/errors";
import { ingestEvent, type IngestRequest, type IngestResult } from "@/lib/events/ingest";

/**
 * ingestEvent, once more when a concurrent request with the same idempotency key committed first
 * (the unique index answers P2002); the second try finds that event and reports a duplicate.
 */
export async function ingestIdempotent(req: IngestRequest): Promise<IngestResult> {
  try {
    return await ingestEvent(req);
  } catch (err) {
    if (req.idempotencyKey && isUniqueViolation(err)) return ingestEvent(req);
    throw err;
  }
}

/** What a caller is told when the global switch dropped an event. */
export const WEBHOOKS_DISABLED_MESSAGE =
  "webhooks are disabled on this instance: the event was dropped and will not be delivered later (as Harbor does while its switch is off)";

/** JSON with object keys sorted at every level, so key order and whitespace do not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha256 (hex) of the canonical form of a parsed JSON request body, stored with an idempotent event. */
export function requestBodyHash(body: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(body)).digest("hex");
}
