import { decryptOptional } from "@/lib/crypto/secret-box";
import { renderPayload, TemplateError, type RenderedPayload } from "@/lib/formats";
import { decryptCustomHeaders } from "@/lib/delivery/custom-headers";
import { activeSigningSecrets } from "@/lib/delivery/signing-keys";
import { sendHttp, USER_AGENT } from "@/lib/delivery/http-sender";
import { sendSlack } from "@/lib/delivery/slack-sender";
import { sendChat } from "@/lib/delivery/chat-sender";
import { sendToEmailTarget } from "@/lib/delivery/email-target";
import type { TargetRateLimits } from "@/lib/delivery/rate-limiter";
import { isChatType, type HarborEvent, type NotifyType, type PayloadFormat } from "@/lib/shared/events";
import { NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import { classifyOutcome, nextAttemptDelayMs } from "@/lib/delivery/retry";
import type { RetryPolicy } from "@/lib/shared/retry-policy";
import { signatureHeaders } from "@/lib/delivery/signature";
import type { AttemptRecord, LogLine, SendResult, TaskOutcome } from "@/lib/delivery/outcome";
import type { ClaimedTask } from "@/lib/delivery/load";
import { logger } from "@/lib/log/logger";
import { redactUrl, targetHost } from "@/lib/delivery/target-address";
import type { DeliveryTrace } from "@/lib/delivery/delivery-trace";

export type { TaskOutcome } from "@/lib/delivery/outcome";

export type DeliveryEnv = {
  allowList: string[];
  retry: RetryPolicy;
  backoffScale: number;
  /** Per-webhook pacing of chat tools (Slack, Teams, Google Chat, Discord, Mattermost). */
  rateLimits: TargetRateLimits;
  /** EXTERNAL_URL: chat messages link to the delivery in our UI. */
  externalUrl?: string;
  /** The delivering worker's id, named in the task log (which of several workers sent it). */
  worker?: string;
  /** The attempt's spans, while tracing is on (lib/delivery/delivery-trace.ts). */
  trace?: DeliveryTrace;
};

const MASKED_HEADERS = new Set(["authorization"]);

/** Sends one claimed task and decides its next state. Never throws for delivery failures. */
export async function deliverTask(task: ClaimedTask, env: DeliveryEnv): Promise<TaskOutcome> {
  const { execution } = task;
  const { target, policy } = execution;
  const base = { taskId: task.id, executionId: execution.id, targetId: target.id };

  const wait = env.rateLimits.reserve(target.type, target.address);
  if (wait > 0) {
    return {
      ...base,
      kind: "postponed",
      reason: `waiting for ${NOTIFY_TYPE_LABELS[target.type] ?? target.type}'s rate limit`,
      runCount: task.runCount,
      retryAt: new Date(Date.now() + wait),
      logs: [],
    };
  }

  // A Custom template that fails cannot succeed on a retry: the attempt fails as an invalid request would.
  let payload: RenderedPayload;
  let templateFailure: SendResult | undefined;
  try {
    payload = env.trace ? env.trace.render(() => payloadFor(task, env)) : payloadFor(task, env);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    payload = { body: "", contentType: target.contentType || "application/json" };
    templateFailure = {
      ok: false,
      durationMs: 0,
      errorKind: "invalid_request",
      error: `the payload template failed: ${err.detail}`,
    };
  }
  const number = task.runCount + 1;
  const startedAt = new Date();
  const logs: LogLine[] = [
    {
      at: startedAt,
      level: "INFO",
      message: `start to run webhook job (attempt ${number} of ${task.maxAttempts}${env.worker ? `, worker ${env.worker}` : ""})`,
    },
  ];

  let headers: Record<string, string> = { "Content-Type": payload.contentType, "User-Agent": USER_AGENT };
  let result: SendResult;
  // Extra headers of an http target: sent, and masked wherever headers are recorded.
  let customNames: string[] = [];
  // While tracing is on, HTTP requests carry the send span's context (W3C Trace Context); the
  // signature covers the body only, so it stays valid.
  const traceparent = templateFailure ? undefined : env.trace?.startSend();
  if (templateFailure) {
    result = templateFailure;
  } else if (target.type === "slack") {
    logs.push({ at: startedAt, level: "INFO", message: `sending Slack message to ${redactUrl(target.address)}` });
    if (traceparent) headers.traceparent = traceparent;
    result = await sendSlack({
      url: target.address,
      message: JSON.parse(payload.body),
      timeoutMs: env.retry.timeoutMs,
      allowList: env.allowList,
      traceparent,
    });
    if (result.status === 429 && result.retryAfterMs)
      env.rateLimits.penalize(target.type, target.address, result.retryAfterMs);
  } else if (target.type === "email") {
    const sent = await sendToEmailTarget({
      address: target.address,
      body: payload.body,
      timeoutMs: env.retry.timeoutMs,
      allowList: env.allowList,
    });
    logs.push({ at: startedAt, level: "INFO", message: sent.logLine });
    headers = sent.headers;
    result = sent.result;
  } else if (isChatType(target.type)) {
    const label = NOTIFY_TYPE_LABELS[target.type];
    logs.push({ at: startedAt, level: "INFO", message: `sending ${label} message to ${targetHost(target.address)}/…` });
    if (traceparent) headers.traceparent = traceparent;
    result = await sendChat({
      type: target.type,
      url: target.address,
      body: payload.body,
      contentType: payload.contentType,
      timeoutMs: env.retry.timeoutMs,
      allowList: env.allowList,
      pause: (ms) => env.rateLimits.penalize(target.type, target.address, ms),
      traceparent,
    });
  } else {
    const auth = decryptOptional(target.authHeaderEnc);
    const custom = decryptCustomHeaders(target.customHeadersEnc);
    customNames = Object.keys(custom);
    // A custom header replaces ours of the same name (only User-Agent can be: the names the delivery
    // sets itself are refused by lib/shared/payload-template.ts), never sent twice in another case.
    const replaced = new Set(customNames.map((n) => n.toLowerCase()));
    headers = {
      ...Object.fromEntries(Object.entries(headers).filter(([name]) => !replaced.has(name.toLowerCase()))),
      ...custom,
    };
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const secrets = activeSigningSecrets(policy.signingKeys, startedAt);
    if (secrets.length > 0)
      headers = { ...headers, ...signatureHeaders({ id: task.webhookId, timestamp, body: payload.body, secrets }) };
    if (auth) headers.Authorization = auth;
    // Ours wins over a custom header of the name: the receiver must see the trace it belongs to.
    if (traceparent) headers.traceparent = traceparent;
    logs.push({
      at: startedAt,
      level: "INFO",
      message: `POST ${redactUrl(target.address)} (${payload.contentType}, ${payload.body.length} bytes, webhook-id ${task.webhookId})`,
    });
    result = await sendHttp({
      url: target.address,
      body: payload.body,
      headers,
      timeoutMs: env.retry.timeoutMs,
      skipCertVerify: target.skipCertVerify,
      allowList: env.allowList,
    });
  }

  env.trace?.sent(result);
  const endedAt = new Date();
  const attempt: AttemptRecord = {
    number,
    startedAt,
    durationMs: Math.round(result.durationMs),
    responseStatus: result.status,
    responseExcerpt: result.responseExcerpt,
    error: result.error,
    requestHeaders: JSON.stringify(maskHeaders(headers, customNames)),
  };
  const outcome = classifyOutcome(result);
  const described = describe(result);
  const latencyMs = number === 1 ? startedAt.getTime() - execution.event.createdAt.getTime() : undefined;

  if (outcome === "success") {
    logs.push({ at: endedAt, level: "INFO", message: `success to run webhook job: ${described}` });
    return {
      ...base,
      kind: "success",
      runCount: number,
      endTime: endedAt,
      attempt,
      logs,
      latencyMs,
    };
  }
  logs.push({ at: endedAt, level: "ERROR", message: `failed to run webhook job: ${described}` });
  if (outcome === "gone") {
    const reason = `the endpoint answered 410 Gone at ${endedAt.toISOString()}; deliveries to it are paused`;
    logs.push({ at: endedAt, level: "WARNING", message: reason });
    logFinalFailure(task, number, result, "410 Gone: target paused");
    return {
      ...base,
      kind: "failed",
      reason: described,
      runCount: number,
      endTime: endedAt,
      attempt,
      logs,
      pauseTarget: reason,
      exhausted: false,
      latencyMs,
    };
  }
  if (outcome === "retry" && number < task.maxAttempts) {
    const delay = Math.round(nextAttemptDelayMs(number, env.retry, result.retryAfterMs) * env.backoffScale);
    const nextAttemptAt = new Date(endedAt.getTime() + delay);
    logs.push({
      at: endedAt,
      level: "INFO",
      message: `retry ${number + 1} of ${task.maxAttempts} scheduled at ${nextAttemptAt.toISOString()}${result.retryAfterMs ? " (Retry-After)" : ""}`,
    });
    return {
      ...base,
      kind: "retry",
      reason: `attempt ${number} failed: ${described}`,
      runCount: number,
      retryAt: nextAttemptAt,
      attempt,
      logs,
      latencyMs,
    };
  }
  const why = outcome === "fail_permanent" ? "not retried" : `gave up after ${number} attempts`;
  logs.push({ at: endedAt, level: "ERROR", message: why });
  logFinalFailure(task, number, result, why);
  return {
    ...base,
    kind: "failed",
    reason: `${described} (${why})`,
    runCount: number,
    endTime: endedAt,
    attempt,
    logs,
    exhausted: true,
    latencyMs,
  };
}

type ClaimedEvent = ClaimedTask["execution"]["event"];

/**
 * Payloads that depend only on the event and the target's kind and format (Slack, Default), per
 * event object: a claim batch's tasks of one event share that object (load.ts), so an event sent to
 * many targets is parsed and rendered once per batch. CloudEvents carry each task's id, and the
 * other chat messages and Custom templates link to each execution: those are rendered per task,
 * from the event parsed once.
 */
const sharedPayloads = new WeakMap<ClaimedEvent, Map<string, RenderedPayload>>();
const parsedEvents = new WeakMap<ClaimedEvent, HarborEvent>();

function payloadFor(task: ClaimedTask, env: DeliveryEnv): RenderedPayload {
  const { target, policy, event, id: executionId } = task.execution;
  const type = target.type as NotifyType;
  const payloadFormat = target.payloadFormat as PayloadFormat;
  const render = () =>
    renderPayload(
      { type, payloadFormat, payloadTemplate: target.payloadTemplate, contentType: target.contentType },
      harborEventOf(event),
      {
        id: task.webhookId,
        requestId: event.requestId,
        projectId: policy.projectId,
        policyId: policy.id,
        instanceWide: policy.instanceWide,
        executionId,
        externalUrl: env.externalUrl,
        projectName: policy.projectName,
        policyName: policy.name,
      },
    );
  const key = type === "slack" ? "slack" : type === "http" && payloadFormat === "Default" ? "Default" : null;
  if (!key) return render();
  let perEvent = sharedPayloads.get(event);
  if (!perEvent) sharedPayloads.set(event, (perEvent = new Map()));
  let payload = perEvent.get(key);
  if (!payload) perEvent.set(key, (payload = render()));
  return payload;
}

function harborEventOf(event: ClaimedEvent): HarborEvent {
  let parsed = parsedEvents.get(event);
  if (!parsed) {
    parsed = {
      type: event.type as HarborEvent["type"],
      occur_at: event.occurAt,
      operator: event.operator,
      event_data: JSON.parse(event.eventData),
    };
    parsedEvents.set(event, parsed);
  }
  return parsed;
}

/** The operator's log line for a delivery that will not be tried again. */
function logFinalFailure(task: ClaimedTask, attempts: number, r: SendResult, why: string) {
  const { target, policy } = task.execution;
  logger.info(
    {
      taskId: task.id,
      policyId: policy.id,
      targetId: target.id,
      targetHost: targetHost(target.address),
      responseStatus: r.status ?? null,
      attempts,
    },
    `delivery failed finally: ${why}`,
  );
}

function describe(r: SendResult): string {
  if (r.status !== undefined) {
    const body = r.responseExcerpt
      ? `, response body: ${r.responseExcerpt.slice(0, 200)}${r.responseExcerpt.length > 200 || r.responseTruncated ? "…" : ""}`
      : "";
    return `response code ${r.status}${body}`;
  }
  return `${r.errorKind ?? "error"}: ${r.error ?? "unknown error"}`;
}

/** Headers as recorded: the auth header and the target's custom headers (`secretNames`) masked. */
export function maskHeaders(
  headers: Record<string, string>,
  secretNames: readonly string[] = [],
): Record<string, string> {
  const secret = new Set(secretNames.map((n) => n.toLowerCase()));
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => {
      const name = k.toLowerCase();
      return [k, MASKED_HEADERS.has(name) || secret.has(name) ? "••••••••" : v];
    }),
  );
}
