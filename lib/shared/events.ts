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

export const EVENT_LABELS: Record<EventType, string> = {
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
};

export const CLOUDEVENT_TYPES: Record<EventType, string> = {
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

/** A Harbor event as accepted and delivered: `{type, occur_at, operator, event_data}`. */
export type HarborEvent = {
  type: EventType;
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
