import type { HarborEvent } from "@/lib/shared/events";

/** Harbor's "Default" payload: compact JSON, keys in the spec's order. */
export function buildDefaultPayload(event: HarborEvent): { body: string; contentType: "application/json" } {
  const payload = {
    type: event.type,
    occur_at: event.occur_at,
    operator: event.operator,
    event_data: event.event_data,
  };
  return { body: JSON.stringify(payload), contentType: "application/json" };
}
