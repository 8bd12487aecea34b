import { HARBOR_ROLE_IDS, type ProjectRole } from "@/lib/shared/roles";
import type { MemberRow } from "@/lib/projects/service";
import { eventTypesFor, NOTIFY_TYPES, payloadFormatsOf, projectNamedBy, type HarborEvent } from "@/lib/shared/events";
import { buildDefaultPayload } from "@/lib/formats";
import { taskMetrics } from "@/lib/history/queries";

/**
 * Our rows in the JSON shapes of Harbor's API v2.0 (snake_case field names). Policies have their
 * own mapper, `toHarborPolicy` in lib/policies/view.ts, shared with the UI.
 */

/** Harbor (Go, strfmt.DateTime) answers the zero time for "not yet", e.g. the end of a running execution. */
export const HARBOR_ZERO_TIME = "0001-01-01T00:00:00.000Z";

export function harborTime(date: Date | null | undefined): string {
  return date ? date.toISOString() : HARBOR_ZERO_TIME;
}

const ROLE_IDS = Object.fromEntries(Object.entries(HARBOR_ROLE_IDS).map(([id, role]) => [role, Number(id)])) as Record<
  ProjectRole,
  number
>;

export function harborRoleId(role: ProjectRole): number {
  return ROLE_IDS[role];
}

/** `memberRole` is the caller's own membership (a system admin who is no member has none: 0). */
export function toHarborProject(
  project: { id: number; name: string; public: boolean; createdAt: Date; updatedAt: Date },
  memberRole: ProjectRole | undefined,
) {
  const roleId = memberRole ? harborRoleId(memberRole) : 0;
  return {
    project_id: project.id,
    name: project.name,
    creation_time: harborTime(project.createdAt),
    update_time: harborTime(project.updatedAt),
    deleted: false,
    current_user_role_id: roleId,
    current_user_role_ids: roleId ? [roleId] : [],
    // Harbor always sends it; we keep no repositories.
    repo_count: 0,
    metadata: { public: String(project.public) },
  };
}

export function toHarborMember(
  m: Pick<MemberRow, "id" | "kind" | "entityId" | "name" | "role"> & { projectId: number },
) {
  return {
    id: m.id,
    project_id: m.projectId,
    entity_name: m.name,
    role_name: m.role,
    role_id: harborRoleId(m.role),
    entity_id: m.entityId,
    entity_type: m.kind === "group" ? "g" : "u",
  };
}

export function toHarborUser(u: {
  id: number;
  username: string;
  email: string | null;
  sysadmin: boolean;
  createdAt: Date;
  updatedAt?: Date;
}) {
  return {
    user_id: u.id,
    username: u.username,
    email: u.email ?? "",
    // Not stored: accepted on create for Harbor clients, answered empty.
    realname: "",
    comment: "",
    sysadmin_flag: u.sysadmin,
    creation_time: harborTime(u.createdAt),
    update_time: harborTime(u.updatedAt ?? u.createdAt),
  };
}

/** An API key without the key itself (only its first characters, to recognise it). */
export function toHarborApiKey(k: {
  id: number;
  name: string;
  mode: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}) {
  return {
    id: k.id,
    name: k.name,
    mode: k.mode,
    prefix: k.prefix,
    created_by: k.createdBy,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

type EventRow = {
  projectId: number | null;
  type: string;
  occurAt: number | bigint;
  operator: string;
  eventData: string;
};

/** The event's project id; an event that outlived its project (PROJECT_DELETED) names it in its data. */
const eventProjectId = (event: EventRow): number => event.projectId ?? projectNamedBy(event.eventData)?.id ?? 0;

/** The event as its Default payload (Harbor keeps the payload it sent in `extra_attrs.payload`). */
export function defaultPayloadOf(event: EventRow): string {
  let data: unknown;
  try {
    data = JSON.parse(event.eventData);
  } catch {
    data = {};
  }
  const harborEvent = {
    type: event.type,
    occur_at: Number(event.occurAt),
    operator: event.operator,
    event_data: data,
  } as HarborEvent;
  return buildDefaultPayload(harborEvent).body;
}

export function toHarborExecution(e: {
  id: number;
  policyId: number;
  vendorType: string;
  status: string;
  statusMessage: string;
  trigger: string;
  eventType: string;
  startTime: Date;
  endTime: Date | null;
  event: EventRow;
  tasks: { status: string }[];
}) {
  return {
    id: e.id,
    vendor_type: e.vendorType,
    vendor_id: e.policyId,
    status: e.status,
    status_message: e.statusMessage,
    metrics: taskMetrics(e.tasks),
    trigger: e.trigger,
    extra_attrs: { event_type: e.eventType, project_id: eventProjectId(e.event), payload: defaultPayloadOf(e.event) },
    start_time: harborTime(e.startTime),
    end_time: harborTime(e.endTime),
  };
}

/**
 * Harbor's deprecated WebhookJob: an execution under its pre-2.2 names (model/webhook_job.go).
 * `update_time` is the last change we know of: its end, or its task's last update.
 */
export function toHarborWebhookJob(e: {
  id: number;
  policyId: number;
  vendorType: string;
  status: string;
  eventType: string;
  startTime: Date;
  endTime: Date | null;
  event: EventRow;
  target: { type: string };
  tasks: { updatedAt: Date }[];
}) {
  const updated = Math.max(
    e.startTime.getTime(),
    e.endTime?.getTime() ?? 0,
    ...e.tasks.map((t) => t.updatedAt.getTime()),
  );
  return {
    id: e.id,
    policy_id: e.policyId,
    event_type: e.eventType,
    // The target's type: an execution's vendor type is Harbor's WEBHOOK or SLACK only.
    notify_type: e.target.type,
    status: e.status,
    job_detail: defaultPayloadOf(e.event),
    creation_time: harborTime(e.startTime),
    update_time: harborTime(new Date(updated)),
  };
}

export type AttemptRow = {
  number: number;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseExcerpt: string | null;
  error: string | null;
};

export function toHarborTask(
  t: {
    id: number;
    executionId: number;
    status: string;
    statusMessage: string;
    runCount: number;
    webhookId: string;
    createdAt: Date;
    updatedAt: Date;
    startTime: Date | null;
    endTime: Date | null;
  },
  attempts: AttemptRow[],
) {
  return {
    id: t.id,
    execution_id: t.executionId,
    status: t.status,
    status_message: t.statusMessage,
    run_count: t.runCount,
    extra_attrs: {
      webhook_id: t.webhookId,
      attempts: attempts.map((a) => ({
        number: a.number,
        started_at: a.startedAt.toISOString(),
        duration_ms: a.durationMs,
        response_status: a.responseStatus,
        response_excerpt: a.responseExcerpt,
        error: a.error,
      })),
    },
    creation_time: harborTime(t.createdAt),
    update_time: harborTime(t.updatedAt),
    start_time: harborTime(t.startTime),
    end_time: harborTime(t.endTime),
  };
}

/** Harbor's `GET /projects/{p}/webhook/events`; instance-wide webhooks (`/system/webhook/events`) also take the operational types. */
export function supportedWebhookEvents(instanceWide = false) {
  return {
    event_type: [...eventTypesFor(instanceWide)],
    notify_type: [...NOTIFY_TYPES],
    // Only http targets choose; the chat tools get their own message, listed as Default as Harbor lists Slack.
    payload_formats: NOTIFY_TYPES.map((type) => ({ notify_type: type, formats: [...payloadFormatsOf(type)] })),
  };
}
