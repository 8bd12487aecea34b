/** View models of the delivery history: what the executions, tasks and attempt pages show. */
import { isAnyEventType, type HarborEvent, type NotifyType, type PayloadFormat } from "@/lib/shared/events";
import { buildDefaultPayload, renderPayload, TemplateError } from "@/lib/formats";
import { isJsonContentType } from "@/lib/shared/payload-template";
import { getDb } from "@/lib/db/client";
import { runCountText } from "@/lib/shared/display";

type StoredEvent = { type: string; occurAt: number | bigint; operator: string; eventData: string; requestId: string };

/** The stored event as Harbor's event object; null when the row is not one (never expected). */
export function toHarborEvent(event: StoredEvent): HarborEvent | null {
  if (!isAnyEventType(event.type)) return null;
  let data: unknown;
  try {
    data = JSON.parse(event.eventData);
  } catch {
    return null;
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  return {
    type: event.type,
    occur_at: Number(event.occurAt),
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
  target: { type: string; payloadFormat: string; payloadTemplate?: string | null; contentType?: string | null },
  ids: {
    webhookId: string;
    projectId: number;
    policyId: number;
    executionId?: number;
    externalUrl?: string;
    projectName?: string;
    policyName?: string;
    instanceWide?: boolean;
  },
): { body: string; contentType: string } | null {
  const harborEvent = toHarborEvent(event);
  if (!harborEvent) return null;
  let rendered: { body: string; contentType: string };
  try {
    rendered = renderPayload(
      {
        type: target.type as NotifyType,
        payloadFormat: target.payloadFormat as PayloadFormat,
        payloadTemplate: target.payloadTemplate,
        contentType: target.contentType,
      },
      harborEvent,
      {
        id: ids.webhookId,
        requestId: event.requestId,
        projectId: ids.projectId,
        policyId: ids.policyId,
        executionId: ids.executionId,
        externalUrl: ids.externalUrl,
        projectName: ids.projectName,
        policyName: ids.policyName,
      },
    );
  } catch (err) {
    // The task log says why a Custom template failed; there is no body to show.
    if (err instanceof TemplateError) return null;
    throw err;
  }
  if (!isJsonContentType(rendered.contentType)) return rendered;
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

const REDELIVERED = /^redelivered after (\d+) attempts? /;

/**
 * Attempts made before each task's latest redelivery, from the line task-control writes when it
 * requeues a task ("redelivered after 4 attempts …"). Tasks never redelivered are absent.
 */
export async function redeliveredAfter(taskIds: number[]): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (taskIds.length === 0) return result;
  const db = await getDb();
  const lines = await db.taskLog.findMany({
    where: { taskId: { in: taskIds }, message: { startsWith: "redelivered after " } },
    orderBy: { id: "asc" },
    select: { taskId: true, message: true },
  });
  for (const l of lines) {
    const m = REDELIVERED.exec(l.message);
    if (m) result.set(l.taskId, Number(m[1]));
  }
  return result;
}

type RunTask = { id: number; status: string; runCount: number; maxAttempts: number; statusMessage: string };

/** The run count of one task, as the pages say it (lib/shared/display.ts runCountText). */
export function taskRunText(t: RunTask, redelivered: Map<number, number>): string {
  return runCountText({ ...t, redeliveredAfter: redelivered.get(t.id) });
}

/** An execution's run count: its task's, or the total when it has several. */
export function executionRunText(tasks: RunTask[], redelivered: Map<number, number>): string {
  if (tasks.length === 1) return taskRunText(tasks[0], redelivered);
  const n = attemptCount(tasks);
  return `${n} ${n === 1 ? "attempt" : "attempts"}`;
}
