/**
 * Deliveries to chat tools other than Slack (Teams, Google Chat, Mattermost, Discord): a JSON POST
 * through the same guarded sender as http targets, plus what each tool says about its rate limit.
 */
import type { ChatType } from "@/lib/shared/events";
import { sendHttp, USER_AGENT, type SendResult } from "./http-sender";

export type ChatSendRequest = {
  type: ChatType;
  url: string;
  body: string;
  /** The Content-Type of a Custom template's body; application/json otherwise. */
  contentType?: string;
  timeoutMs: number;
  allowList: readonly string[];
  /** Nothing more goes to this webhook for `ms` (a 429, or Discord saying its window is spent). */
  pause: (ms: number) => void;
  /** The W3C trace context to send, while tracing is on. */
  traceparent?: string;
};

/** Discord's 429 body: `{"message": "...", "retry_after": 0.374, "global": false}` (seconds, a float). */
export function discordRetryAfterMs(body: string | undefined): number | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown };
    const seconds = parsed.retry_after;
    return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
      ? Math.ceil(seconds * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Discord's X-RateLimit-Remaining / X-RateLimit-Reset-After (seconds): when a window is spent,
 * wait for its reset instead of running into a 429.
 */
export function discordWindowResetMs(headers: Record<string, string | string[] | undefined>): number | undefined {
  if (header(headers, "x-ratelimit-remaining") !== "0") return undefined;
  const seconds = Number(header(headers, "x-ratelimit-reset-after"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : undefined;
}

export async function sendChat(req: ChatSendRequest): Promise<SendResult> {
  let windowResetMs: number | undefined;
  const result = await sendHttp({
    url: req.url,
    body: req.body,
    headers: {
      "Content-Type": req.contentType ?? "application/json",
      "User-Agent": USER_AGENT,
      ...(req.traceparent ? { traceparent: req.traceparent } : {}),
    },
    timeoutMs: req.timeoutMs,
    skipCertVerify: false,
    allowList: req.allowList,
    onResponseHeaders:
      req.type === "discord"
        ? (headers) => {
            windowResetMs = discordWindowResetMs(headers);
          }
        : undefined,
  });
  if (result.status === 429) {
    // Discord's body value is exact; its Retry-After header is rounded up to whole seconds.
    const fromBody = req.type === "discord" ? discordRetryAfterMs(result.responseExcerpt) : undefined;
    const retryAfterMs = fromBody ?? result.retryAfterMs;
    if (retryAfterMs !== undefined) req.pause(retryAfterMs);
    return { ...result, retryAfterMs };
  }
  if (windowResetMs !== undefined) req.pause(windowResetMs);
  return result;
}
