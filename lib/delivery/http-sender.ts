/**
 * One HTTP delivery attempt with undici. Never throws for delivery failures: every outcome is a
 * SendResult the worker can log and feed to the retry logic.
 */
import { Agent, request } from "undici";
import { APP_VERSION } from "@/lib/config/version";
import { assertUrlAllowed, guardedLookup } from "./network-guard";
import { describeTransportError, parseRetryAfterMs, type SendResult } from "./outcome";

export type { SendResult } from "./outcome";

export const USER_AGENT = `HarborNotifier/${APP_VERSION}`;

export const DEFAULT_MAX_EXCERPT_BYTES = 4096;

export type HttpSendRequest = {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  skipCertVerify: boolean;
  allowList: readonly string[];
  maxExcerptBytes?: number;
  /** Sees the response headers (a chat tool's rate-limit headers). */
  onResponseHeaders?: (headers: Record<string, string | string[] | undefined>) => void;
};

// --- connection pools ---

const MAX_CACHED_AGENTS = 8;
const agents = new Map<string, Agent>();

/**
 * Keep-alive pools shared across deliveries. One Agent per (cert verification, allow list): the
 * allow list is baked into the connect-time lookup, and a pooled connection opened under one
 * policy must not be reused under a stricter one.
 */
export function deliveryAgent(skipCertVerify: boolean, allowList: readonly string[]): Agent {
  const key = `${skipCertVerify ? "insecure" : "verified"}|${allowList.join(",")}`;
  const cached = agents.get(key);
  if (cached) return cached;
  const agent = new Agent({
    connections: 32,
    keepAliveTimeout: 30_000,
    connect: { lookup: guardedLookup(allowList), rejectUnauthorized: !skipCertVerify },
  });
  agents.set(key, agent);
  if (agents.size > MAX_CACHED_AGENTS) {
    // The allow list changed often enough to pile up pools: retire the oldest (finishes in-flight requests).
    const [oldestKey, oldest] = agents.entries().next().value as [string, Agent];
    agents.delete(oldestKey);
    void oldest.close().catch(() => undefined);
  }
  return agent;
}

/** Closes every pooled connection (worker shutdown, tests). */
export async function closeDeliveryAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close().catch(() => undefined)));
}

// --- request validation ---

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A CR or LF in a value (e.g. a pasted auth header) would smuggle extra headers: refuse outright. */
export function findInvalidHeader(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) return `header name "${name.replace(/[\r\n]/g, "\\n")}" is not valid`;
    if (/[\r\n\0]/.test(value)) return `header "${name}" contains a line break or NUL character`;
  }
  return null;
}

/** Lower-cases names so our defaults and the caller's headers cannot both be sent. */
function outgoingHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { "user-agent": USER_AGENT, "content-type": "application/json" };
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

// --- response body ---

/** Drops a multi-byte UTF-8 sequence cut off at the end, so the excerpt stays within the byte limit. */
function completeUtf8(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  while (start >= 0 && bytes.length - start <= 4 && (bytes[start] & 0xc0) === 0x80) start--;
  if (start < 0) return bytes;
  const lead = bytes[start];
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < expected ? bytes.subarray(0, start) : bytes;
}

export type Excerpt = { text: string; truncated: boolean };

/**
 * Reads at most maxBytes, then destroys the stream: a huge or endless body is never buffered.
 * If the body stalls past the deadline, what arrived so far is kept and marked truncated.
 */
export async function readExcerpt(
  body: AsyncIterable<unknown> & { destroy(): unknown },
  maxBytes: number,
): Promise<Excerpt> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      const room = maxBytes - size;
      if (bytes.length > room) {
        chunks.push(bytes.subarray(0, room));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(bytes);
      size += bytes.length;
    }
  } catch {
    truncated = true; // aborted by the deadline or the peer; the status already tells the outcome
  } finally {
    if (truncated) body.destroy();
  }
  return { text: completeUtf8(Buffer.concat(chunks)).toString("utf8"), truncated };
}

// --- sending ---

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

function statusError(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) {
    return `HTTP ${status}: redirect${location ? ` to ${location}` : ""} not followed`;
  }
  return `HTTP ${status}`;
}

export async function sendHttp(req: HttpSendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  const invalidHeader = findInvalidHeader(req.headers);
  if (invalidHeader) return { ok: false, durationMs: 0, errorKind: "invalid_request", error: invalidHeader };

  // One deadline for DNS check, connect, headers and body.
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(req.timeoutMs)));
  try {
    await Promise.race([assertUrlAllowed(req.url, req.allowList), rejectOnAbort(signal)]);
    const response = await request(req.url, {
      method: "POST",
      headers: outgoingHeaders(req.headers),
      body: req.body,
      dispatcher: deliveryAgent(req.skipCertVerify, req.allowList),
      signal,
    });
    const status = response.statusCode;
    req.onResponseHeaders?.(response.headers);
    const excerpt = await readExcerpt(response.body, req.maxExcerptBytes ?? DEFAULT_MAX_EXCERPT_BYTES);
    const ok = status >= 200 && status < 300;
    const location = response.headers.location;
    return {
      ok,
      status,
      durationMs: elapsed(),
      responseExcerpt: excerpt.text,
      responseTruncated: excerpt.truncated,
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfterMs(response.headers["retry-after"]) : undefined,
      ...(ok
        ? {}
        : { errorKind: "http" as const, error: statusError(status, Array.isArray(location) ? location[0] : location) }),
    };
  } catch (error) {
    const failure = signal.aborted
      ? { errorKind: "timeout" as const, error: `timed out after ${req.timeoutMs} ms` }
      : describeTransportError(error);
    return { ok: false, durationMs: elapsed(), ...failure };
  }
}
