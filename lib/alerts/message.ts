/**
 * What an operator alert says: its operational event (the payload an operations channel receives,
 * lib/events/types.ts) and its email, which lays out the same facts as an email target's message.
 * The target is named by its webhook and its address only, the address without credentials, query
 * or secret path segment: never an auth header or a custom header value.
 */
import { unixSecondsToRfc3339 } from "@/lib/formats/cloudevents";
import { buildEmailMessage, headerText, type EmailMessage } from "@/lib/formats/email";
import { truncate } from "@/lib/formats/chat-text";
import { ALERT_EVENT_TYPES, ALERT_KIND_LABELS, isAlertKind, sampleEventIds } from "@/lib/shared/alerts";
import type { HarborEvent } from "@/lib/shared/events";
import { maskSecretUrl } from "@/lib/shared/policy-input";

/** An alert as stored (OperatorAlert), with the names it is told with. */
export type AlertFacts = {
  id: number;
  kind: string;
  policyId: number;
  targetId: number;
  targetType: string;
  address: string;
  cause: string;
  reason: string;
  operator: string;
  createdAt: Date;
  deliveries: number;
  firstFailedAt: Date | null;
  lastFailedAt: Date | null;
  sampleEventIds: string;
  policy: { name: string; projectId: number | null };
  project: { id: number; name: string } | null;
  /** the target's state now (a digest says whether the target is paused meanwhile) */
  targetStatus: string;
};

/** An address as alerts show it: no user, password, query or fragment; a secret path segment masked. */
export function alertAddress(address: string): string {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return address;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return address;
  return maskSecretUrl(`${u.protocol}//${u.host}${u.pathname}`);
}

const rfc3339 = (d: Date) => unixSecondsToRfc3339(Math.floor(d.getTime() / 1000));

/** The deliveries a digest counts (a pause may carry those of the digest it took in). */
function deliveriesOf(a: AlertFacts) {
  if (a.deliveries === 0 || !a.firstFailedAt || !a.lastFailedAt) return undefined;
  return {
    count: a.deliveries,
    first_failed_at: rfc3339(a.firstFailedAt),
    last_failed_at: rfc3339(a.lastFailedAt),
    sample_event_ids: sampleEventIds(a.sampleEventIds),
  };
}

/** The alert's operational event: `{type, occur_at, operator, event_data}` as any event. */
export function operationalEvent(a: AlertFacts): HarborEvent {
  if (!isAlertKind(a.kind)) throw new Error(`unknown alert kind ${a.kind}`);
  const subject = {
    ...(a.project ? { project: { project_id: a.project.id, name: a.project.name } } : {}),
    webhook: { id: a.policyId, name: a.policy.name, instance_wide: a.policy.projectId === null },
    target: { id: a.targetId, type: a.targetType, address: alertAddress(a.address) },
  };
  const deliveries = deliveriesOf(a);
  const occurAt = Math.floor(
    (a.kind === "delivery_exhausted" && a.lastFailedAt ? a.lastFailedAt : a.createdAt).getTime() / 1000,
  );
  const eventData =
    a.kind === "delivery_exhausted"
      ? { ...subject, state: a.targetStatus === "paused" ? "paused" : "active", reason: a.reason, deliveries }
      : {
          ...subject,
          state: a.kind === "target_paused" ? "paused" : "active",
          cause: a.cause,
          reason: a.reason,
          changed_at: rfc3339(a.createdAt),
          ...(deliveries ? { deliveries } : {}),
        };
  return { type: ALERT_EVENT_TYPES[a.kind], occur_at: occurAt, operator: a.operator, event_data: eventData };
}

/** "[Harbor Notifier] Webhook target paused: https://ci.example.com/hook (harbor/ci-deploy)" */
function subjectOf(a: AlertFacts): string {
  const where = `${a.project?.name ?? "instance-wide"}/${a.policy.name}`;
  const what =
    a.kind === "delivery_exhausted"
      ? `${a.deliveries} ${a.deliveries === 1 ? "delivery" : "deliveries"} failed after all retries`
      : `Webhook ${ALERT_KIND_LABELS[a.kind as "target_paused" | "target_resumed"].toLowerCase()}`;
  return truncate(headerText(`[Harbor Notifier] ${what}: ${alertAddress(a.address)} (${where})`), 200);
}

/** The alert's email: the operational event's facts (as an email target would get them), its own subject. */
export function alertEmail(a: AlertFacts, event: HarborEvent, externalUrl?: string): EmailMessage {
  const message = buildEmailMessage(event, {
    externalUrl,
    projectId: a.project?.id ?? 0,
    policyId: a.policyId,
    instanceWide: a.policy.projectId === null,
  });
  return { ...message, subject: subjectOf(a) };
}
