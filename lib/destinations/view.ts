import { targetHealthJson } from "@/lib/shared/target-health";
import { DEFAULT_RETRY_POLICY, fromRetryPolicy, toRetryPolicy, type RetryPolicy } from "@/lib/shared/retry-policy";
import { parseStoredConditions } from "@/lib/shared/conditions";
import { EVENT_TYPES, isEventType } from "@/lib/shared/events";
import { policyEventTypes, type PolicyWithTargets } from "@/lib/policies/service";
import type { SystemSettings } from "@/lib/settings/settings";
import { DELIVERY_STATUSES, deliverySchema, destinationSchema, type Destination } from "@/lib/destinations/schemas";

/** The delivery defaults of this instance, as the worker applies them. */
export function systemRetryDefaults(settings: Pick<SystemSettings, "maxAttempts" | "httpTimeoutMs">): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, maxAttempts: settings.maxAttempts, timeoutMs: settings.httpTimeoutMs };
}

/** A destination's stored retry overrides, in the API's snake_case form (only the fields set). */
export function retryOverrides(
  policy: Pick<PolicyWithTargets, "maxAttempts" | "backoffBaseMs" | "backoffCapMs" | "timeoutMs">,
) {
  return {
    ...(policy.maxAttempts != null ? { max_attempts: policy.maxAttempts } : {}),
    ...(policy.backoffBaseMs != null ? { backoff_base_ms: policy.backoffBaseMs } : {}),
    ...(policy.backoffCapMs != null ? { backoff_cap_ms: policy.backoffCapMs } : {}),
    ...(policy.timeoutMs != null ? { timeout_ms: policy.timeoutMs } : {}),
  };
}

function parseMetadata(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The public destination object. A destination is paused when a client paused it, or when the
 * delivery engine paused its target (410 Gone, or failing for too long); the reason says which.
 * It never carries a secret: the output schema drops anything it does not name.
 */
export function toDestination(policy: PolicyWithTargets, defaults: RetryPolicy): Destination {
  const target = policy.targets[0];
  const paused = !policy.enabled || !target || target.status === "paused";
  const types = policyEventTypes(policy).filter(isEventType);
  return destinationSchema.parse({
    id: policy.publicId,
    url: target?.address ?? "",
    name: policy.name,
    status: paused ? "paused" : "active",
    paused_reason: paused ? (target?.pausedReason ?? "paused") : null,
    health: target ? targetHealthJson(target) : null,
    event_types: types.length > 0 ? types : [...EVENT_TYPES],
    conditions: parseStoredConditions(policy.conditions) ?? {},
    grouping_window_seconds: policy.groupingWindowSeconds ?? null,
    retry_policy: fromRetryPolicy(toRetryPolicy(retryOverrides(policy), defaults)),
    metadata: parseMetadata(policy.metadata),
    created_at: policy.createdAt.toISOString(),
    updated_at: policy.updatedAt.toISOString(),
  });
}

type TaskRow = {
  id: number;
  webhookId: string;
  status: string;
  statusMessage: string;
  createdAt: Date;
  updatedAt: Date;
  execution: { eventType: string; eventId: number };
  attempts: {
    number: number;
    startedAt: Date;
    durationMs: number;
    responseStatus: number | null;
    error: string | null;
  }[];
};

/** One delivery of an event to a destination, with every attempt made so far. */
export function toDelivery(task: TaskRow) {
  const status = task.status.toLowerCase();
  return deliverySchema.parse({
    id: task.id,
    webhook_id: task.webhookId,
    event_id: task.execution.eventId,
    event_type: task.execution.eventType,
    status: (DELIVERY_STATUSES as readonly string[]).includes(status) ? status : "pending",
    status_message: task.statusMessage,
    attempts: task.attempts.map((a) => ({
      number: a.number,
      started_at: a.startedAt.toISOString(),
      duration_ms: a.durationMs,
      response_status: a.responseStatus,
      error: a.error,
    })),
    created_at: task.createdAt.toISOString(),
    updated_at: task.updatedAt.toISOString(),
  });
}
