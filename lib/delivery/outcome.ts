/**
 * The result of one delivery attempt, shared by the HTTP and Slack senders and the retry logic.
 */
import { NetworkGuardError } from "./network-guard";

/**
 * "invalid_request" covers what no retry can fix on our side of the wire: a header value with a
 * line break, a URL that is not http(s). "rejected" is a receiver's permanent refusal (an SMTP 5xx reply).
 */
export type SendErrorKind = "timeout" | "network" | "tls" | "refused_address" | "http" | "invalid_request" | "rejected";

export type SendResult = {
  ok: boolean;
  status?: number;
  durationMs: number;
  responseExcerpt?: string;
  responseTruncated?: boolean;
  retryAfterMs?: number;
  error?: string;
  errorKind?: SendErrorKind;
};

export type TransportFailure = { errorKind: SendErrorKind; error: string };

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(
  value: string | string[] | undefined | null,
  now: number = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP-date forms start with a day name; Date.parse alone would read "1.5" as a date.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const TLS_MESSAGES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain contains a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by a trusted authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by a trusted authority",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate is not signed by a trusted authority",
  CERT_UNTRUSTED: "the server's certificate is not trusted",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  CERT_REVOKED: "the server's certificate has been revoked",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not match the host name",
  HOSTNAME_MISMATCH: "the server's certificate does not match the host name",
};

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server while sending",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "temporary DNS failure",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

/** The error and its `cause`s, outermost first (undici and fetch wrap the socket error). */
function errorChain(error: unknown): Array<Error & { code?: unknown }> {
  const chain: Array<Error & { code?: unknown }> = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

/** Turns a thrown transport error into a kind the retry logic understands and a readable message. */
export function describeTransportError(error: unknown): TransportFailure {
  const chain = errorChain(error);
  for (const link of chain) {
    if (link instanceof NetworkGuardError) {
      return {
        errorKind:
          link.code === "address_refused"
            ? "refused_address"
            : link.code === "invalid_url"
              ? "invalid_request"
              : "network",
        error: link.message,
      };
    }
  }
  for (const link of chain) {
    const code = typeof link.code === "string" ? link.code : "";
    if (TLS_MESSAGES[code]) return { errorKind: "tls", error: `TLS error: ${TLS_MESSAGES[code]} (${code})` };
    if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO") {
      return { errorKind: "tls", error: `TLS error: ${link.message} (${code})` };
    }
    if (TIMEOUT_CODES.has(code) || link.name === "TimeoutError") {
      return { errorKind: "timeout", error: "timed out" };
    }
  }
  for (const link of chain) {
    const code = typeof link.code === "string" ? link.code : "";
    if (NETWORK_MESSAGES[code]) return { errorKind: "network", error: `${NETWORK_MESSAGES[code]} (${code})` };
  }
  const first = chain[0];
  return { errorKind: "network", error: first ? first.message || first.name : String(error) };
}

import type { LogLine } from "@/lib/shared/attempt-log";

export type { LogLine };

/** The request an attempt made and what came back: one Attempt row. */
export type AttemptRecord = {
  number: number;
  startedAt: Date;
  durationMs: number;
  responseStatus?: number;
  responseExcerpt?: string;
  error?: string;
  requestHeaders: string;
};

type OutcomeOf = {
  taskId: number;
  executionId: number;
  targetId: number;
  /** Attempts made, this one included. */
  runCount: number;
  logs: LogLine[];
};

/**
 * What one turn of a claimed task came to; the task state machine (task-state.ts) turns it into the
 * task's next status. Each kind carries exactly what it needs, so no reader guesses at optional fields.
 */
export type TaskOutcome =
  | (OutcomeOf & { kind: "success"; attempt: AttemptRecord; endTime: Date; latencyMs?: number })
  | (OutcomeOf & { kind: "retry"; attempt: AttemptRecord; retryAt: Date; reason: string; latencyMs?: number })
  | (OutcomeOf & {
      kind: "failed";
      /** Absent when no attempt can be recorded (its result was refused by the database). */
      attempt?: AttemptRecord;
      reason: string;
      endTime: Date;
      /** 410 Gone: the target is paused with this reason. */
      pauseTarget?: string;
      /** All attempts were used or the failure is permanent: counts towards the target's auto-pause. */
      exhausted: boolean;
      latencyMs?: number;
    })
  /** No request was made (a rate limit, an internal error): the task waits until `retryAt`. */
  | (OutcomeOf & { kind: "postponed"; retryAt: Date; reason: string });

/** The task status an outcome leads to. */
export function statusAfter(o: TaskOutcome): "Success" | "Error" | "Pending" {
  return o.kind === "success" ? "Success" : o.kind === "failed" ? "Error" : "Pending";
}

/** The status message an outcome leaves on its task and execution ("" on success). */
export function messageOf(o: TaskOutcome): string {
  return o.kind === "success" ? "" : o.reason;
}

/** Whether the target answered well (resets its failure count) or the task ended in error, for auto-pause. */
export function targetHealth(o: TaskOutcome): "ok" | "exhausted" | undefined {
  if (o.kind === "success") return "ok";
  if (o.kind === "failed" && o.exhausted) return "exhausted";
  return undefined;
}
