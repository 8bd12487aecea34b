/**
 * Slack deliveries through @slack/webhook (their pacing is lib/delivery/rate-limiter.ts).
 *
 * @slack/webhook v8 talks HTTP through an injectable `fetch` (not axios), and its HTTP error carries
 * the status and body but not the headers. We inject a fetch built on our guarded undici pools, so
 * the network guard, the keep-alive pools and the bounded body read apply to Slack too, and so we
 * can see Retry-After.
 */
import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type IncomingWebhookSendArguments,
} from "@slack/webhook";
import { request } from "undici";
import { DEFAULT_MAX_EXCERPT_BYTES, USER_AGENT, deliveryAgent, readExcerpt } from "./http-sender";
import { assertUrlAllowed } from "./network-guard";
import { describeTransportError, parseRetryAfterMs, type SendResult } from "./outcome";

export type SlackSendRequest = {
  url: string;
  message: IncomingWebhookSendArguments;
  timeoutMs: number;
  allowList: readonly string[];
  maxExcerptBytes?: number;
  /** The W3C trace context to send, while tracing is on. */
  traceparent?: string;
};

type SeenResponse = { status: number; retryAfterMs?: number; excerpt: string; truncated: boolean };

/** A fetch for IncomingWebhook: guarded pool, no redirects, bounded body, and it remembers what it saw. */
function recordingFetch(
  allowList: readonly string[],
  deadline: AbortSignal,
  maxExcerptBytes: number,
  seen: { response?: SeenResponse },
  traceparent: string | undefined,
): FetchFunction {
  return async (target, init) => {
    const signal = init?.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    const response = await request(String(target), {
      method: "POST",
      headers: { ...init?.headers, "User-Agent": USER_AGENT, ...(traceparent ? { traceparent } : {}) },
      body: typeof init?.body === "string" ? init.body : undefined,
      dispatcher: deliveryAgent(false, allowList),
      signal,
    });
    const excerpt = await readExcerpt(response.body, maxExcerptBytes);
    const status = response.statusCode;
    seen.response = {
      status,
      excerpt: excerpt.text,
      truncated: excerpt.truncated,
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfterMs(response.headers["retry-after"]) : undefined,
    };
    const headerEntries = Object.entries(response.headers).map(([name, value]): [string, string] => [
      name,
      Array.isArray(value) ? value.join(", ") : String(value ?? ""),
    ]);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: "",
      url: String(target),
      headers: {
        get: (name: string) => headerEntries.find(([key]) => key === name.toLowerCase())?.[1] ?? null,
        entries: () => headerEntries,
      },
      text: async () => excerpt.text,
      json: async () => JSON.parse(excerpt.text) as unknown,
      arrayBuffer: async () => new TextEncoder().encode(excerpt.text).buffer as ArrayBuffer,
    };
  };
}

export async function sendSlack(req: SlackSendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(Math.max(1, Math.floor(req.timeoutMs)));
  const seen: { response?: SeenResponse } = {};
  const timedOut = (): SendResult => ({
    ok: false,
    durationMs: elapsed(),
    errorKind: "timeout",
    error: `timed out after ${req.timeoutMs} ms`,
  });

  try {
    await assertUrlAllowed(req.url, req.allowList);
  } catch (error) {
    return { ok: false, durationMs: elapsed(), ...describeTransportError(error) };
  }

  const webhook = new IncomingWebhook(req.url, {
    fetch: recordingFetch(
      req.allowList,
      deadline,
      req.maxExcerptBytes ?? DEFAULT_MAX_EXCERPT_BYTES,
      seen,
      req.traceparent,
    ),
    timeout: req.timeoutMs,
    retryConfig: { retries: 0 }, // the worker owns retries and their backoff
  });
  try {
    await webhook.send(req.message);
    const response = seen.response;
    return {
      ok: true,
      status: response?.status ?? 200,
      durationMs: elapsed(),
      responseExcerpt: response?.excerpt,
      responseTruncated: response?.truncated,
    };
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) {
      const response = seen.response;
      return {
        ok: false,
        status: error.statusCode,
        durationMs: elapsed(),
        responseExcerpt: response?.excerpt ?? error.body,
        responseTruncated: response?.truncated,
        retryAfterMs: response?.retryAfterMs,
        errorKind: "http",
        error: `HTTP ${error.statusCode}`,
      };
    }
    if (deadline.aborted) return timedOut();
    const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
    return { ok: false, durationMs: elapsed(), ...describeTransportError(cause) };
  }
}
