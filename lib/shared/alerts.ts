/** Operator alerts (lib/alerts): their kinds, causes and email states, shared by the server and the pages. */
import type { OperationalEventType } from "@/lib/shared/events";

export const ALERT_KINDS = ["target_paused", "target_resumed", "delivery_exhausted"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The operational event each kind of alert raises. */
export const ALERT_EVENT_TYPES: Record<AlertKind, OperationalEventType> = {
  target_paused: "webhook.target_paused",
  target_resumed: "webhook.target_resumed",
  delivery_exhausted: "webhook.delivery_exhausted",
};

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  target_paused: "Target paused",
  target_resumed: "Target resumed",
  delivery_exhausted: "Deliveries failed after all retries",
};

/**
 * Why a target's state changed: failures (paused automatically), gone (410 Gone), person (paused or
 * resumed by someone), address_changed (resumed by an edit of its address).
 */
export type StateCause = "failures" | "gone" | "person" | "address_changed";

export const EMAIL_STATUSES = ["pending", "sent", "not_emailed", "failed"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** What an alert says where no SMTP server is set up. */
export const NO_SMTP_DETAIL = "not emailed: SMTP is not set up";

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === "string" && (ALERT_KINDS as readonly string[]).includes(value);
}

/** The event ids a digest names (stored as a JSON list); [] for anything else. */
export function sampleEventIds(json: string): number[] {
  try {
    const ids: unknown = JSON.parse(json);
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}
