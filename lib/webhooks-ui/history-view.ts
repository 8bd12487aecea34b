/** View models of the delivery history: what the executions, tasks and attempt pages show. */
import { isEventType, type HarborEvent, type NotifyType, type PayloadFormat } from "@/lib/shared/events";
import { buildDefaultPayload, renderPayload } from "@/lib/formats";

type StoredEvent = { type: string; occurAt: number; operator: string; eventData: string; requestId: string };

/** The stored event as Harbor's event object; null when the row is not one (never expected). */
export function toHarborEvent(event: StoredEvent): HarborEvent | null {
  if (!isEventType(event.type)) return null;
  let data: unknown;
  try {
    data = JSON.parse(event.eventData);
  } catch {
    return null;
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  return {
    type: event.type,
    occur_at: event.occurAt,
    operator: event.operator,
    event_data: data as Record<string, unknown>,
  };
}

/** The payload an execution stands for, as Harbor's execution list shows it: the Default payload, indented. */
export function executionPayload(event: StoredEvent): string {
  const harborEvent = toHarborEvent(event);
  return harborEvent ? JSON.stringify(JSON.parse(buildDefaultPayload(harborEvent).body), null, 2) : event.eventData;
}

/**
 * The body a task sends, rendered again from the stored event: the same bytes the worker sends, as
 * the builders are deterministic and a CloudEvent's id is the task's webhook-id.
 */
export function taskRequestBody(
  event: StoredEvent,
  target: { type: string; payloadFormat: string },
  ids: { webhookId: string; projectId: number; policyId: number },
): { body: string; contentType: string } | null {
  const harborEvent = toHarborEvent(event);
  if (!harborEvent) return null;
  const rendered = renderPayload(
    { type: target.type as NotifyType, payloadFormat: target.payloadFormat as PayloadFormat },
    harborEvent,
    { id: ids.webhookId, requestId: event.requestId, projectId: ids.projectId, policyId: ids.policyId },
  );
  return { body: JSON.stringify(JSON.parse(rendered.body), null, 2), contentType: rendered.contentType };
}

/**
 * Request headers of an attempt, as stored (the auth header already masked). Readers who may not
 * know whether an auth header is set at all (maintainers) do not see that header.
 */
export function attemptHeaders(stored: string, opts: { showAuthHeader: boolean }): [string, string][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== "object") return [];
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([name]) => opts.showAuthHeader || name.toLowerCase() !== "authorization")
    .map(([name, value]) => [name, String(value)] as [string, string])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Total attempts of an execution's tasks (Harbor shows a run count per task). */
export function attemptCount(tasks: { runCount: number }[]): number {
  return tasks.reduce((n, t) => n + t.runCount, 0);
}
