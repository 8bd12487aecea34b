/** The event contract, shared by server and browser code: types, labels, formats, the event shape. */

// Harbor's ten webhook event types, in the order Harbor's UI lists them, then the tag and project
// events Harbor raises internally (src/controller/event/topic.go) but does not send as webhooks.
export const EVENT_TYPES = [
  "PUSH_ARTIFACT",
  "PULL_ARTIFACT",
  "DELETE_ARTIFACT",
  "QUOTA_EXCEED",
  "QUOTA_WARNING",
  "SCANNING_FAILED",
  "SCANNING_STOPPED",
  "SCANNING_COMPLETED",
  "REPLICATION",
  "TAG_RETENTION",
  "TAG_CREATED",
  "TAG_DELETED",
  "PROJECT_CREATED",
  "PROJECT_DELETED",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Operational events: raised by this service about its own deliveries (a target paused or resumed,
 * deliveries that used up their retries), never posted by clients. Only instance-wide webhooks may
 * select them: such a webhook is an operations channel (lib/alerts).
 */
export const OPERATIONAL_EVENT_TYPES = [
  "webhook.target_paused",
  "webhook.target_resumed",
  "webhook.delivery_exhausted",
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** Every type a webhook may select: a project's event types, then the operational ones (instance-wide webhooks only). */
export const ALL_EVENT_TYPES = [...EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES] as const;
export type AnyEventType = (typeof ALL_EVENT_TYPES)[number];

export const EVENT_LABELS: Record<AnyEventType, string> = {
  PUSH_ARTIFACT: "Artifact pushed",
  PULL_ARTIFACT: "Artifact pulled",
  DELETE_ARTIFACT: "Artifact deleted",
  QUOTA_EXCEED: "Quota exceed",
  QUOTA_WARNING: "Quota near threshold",
  SCANNING_FAILED: "Scanning failed",
  SCANNING_STOPPED: "Scanning stopped",
  SCANNING_COMPLETED: "Scanning finished",
  REPLICATION: "Replication status changed",
  TAG_RETENTION: "Tag retention finished",
  TAG_CREATED: "Tag created",
  TAG_DELETED: "Tag deleted",
  PROJECT_CREATED: "Project created",
  PROJECT_DELETED: "Project deleted",
  "webhook.target_paused": "Webhook target paused",
  "webhook.target_resumed": "Webhook target resumed",
  "webhook.delivery_exhausted": "Deliveries failed after all retries",
};

export const CLOUDEVENT_TYPES: Record<AnyEventType, string> = {
  PUSH_ARTIFACT: "harbor.artifact.pushed",
  PULL_ARTIFACT: "harbor.artifact.pulled",
  DELETE_ARTIFACT: "harbor.artifact.deleted",
  QUOTA_EXCEED: "harbor.quota.exceeded",
  QUOTA_WARNING: "harbor.quota.warned",
  SCANNING_FAILED: "harbor.scan.failed",
  SCANNING_STOPPED: "harbor.scan.stopped",
  SCANNING_COMPLETED: "harbor.scan.completed",
  REPLICATION: "harbor.replication.status.changed",
  TAG_RETENTION: "harbor.tag_retention.finished",
  TAG_CREATED: "harbor.tag.created",
  TAG_DELETED: "harbor.tag.deleted",
  PROJECT_CREATED: "harbor.project.created",
  PROJECT_DELETED: "harbor.project.deleted",
  "webhook.target_paused": "harbor.webhook.target.paused",
  "webhook.target_resumed": "harbor.webhook.target.resumed",
  "webhook.delivery_exhausted": "harbor.webhook.delivery.exhausted",
};

export const NOTIFY_TYPES = ["http", "slack", "teams", "googlechat", "mattermost", "discord", "email"] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** Chat tools besides Slack: each gets its own rendering of the event's facts (lib/formats/chat-*). */
export const CHAT_TYPES = ["teams", "googlechat", "mattermost", "discord"] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

export function isChatType(value: unknown): value is ChatType {
  return typeof value === "string" && (CHAT_TYPES as readonly string[]).includes(value);
}

/** Custom: a Liquid template of the target's own (lib/formats/custom.ts). */
export const PAYLOAD_FORMATS = ["Default", "CloudEvents", "Custom"] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/**
 * The payload formats a notify type takes: http targets choose any; the chat tools get their tool's
 * message (Default) or a template of their own; Slack always gets its Slack message, email a mail.
 */
export function payloadFormatsOf(type: NotifyType): readonly PayloadFormat[] {
  if (type === "http") return PAYLOAD_FORMATS;
  return isChatType(type) ? ["Default", "Custom"] : ["Default"];
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

export function isOperationalEventType(value: unknown): value is OperationalEventType {
  return typeof value === "string" && (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(value);
}

export function isAnyEventType(value: unknown): value is AnyEventType {
  return isEventType(value) || isOperationalEventType(value);
}

/** The event types a webhook of this scope may select: instance-wide webhooks (projectId null) also the operational ones. */
export function eventTypesFor(instanceWide: boolean): readonly AnyEventType[] {
  return instanceWide ? ALL_EVENT_TYPES : EVENT_TYPES;
}

/**
 * A Harbor event as accepted and delivered: `{type, occur_at, operator, event_data}`; `T` narrows
 * the type where only a project's event types can occur (what registries and clients post).
 */
export type HarborEvent<T extends AnyEventType = AnyEventType> = {
  type: T;
  occur_at: number;
  operator: string;
  event_data: Record<string, unknown>;
};

/**
 * The project an event's data names (`event_data.project`, as project events carry it), given the
 * data or its JSON text: what an event that outlived its project (PROJECT_DELETED) is about.
 */
export function projectNamedBy(eventData: unknown): { id: number; name: string } | null {
  let data = eventData;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const project = (data as { project?: { project_id?: unknown; name?: unknown } } | null)?.project;
  if (typeof project?.name !== "string") return null;
  return { id: Number(project.project_id) || 0, name: project.name };
}
