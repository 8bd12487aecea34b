/** Query parameters of the webhook pages (page, sort, filters), read defensively: a bad value falls back, it never throws. */
import { isAnyEventType, type AnyEventType } from "@/lib/shared/events";
import { isTaskStatus, type TaskStatus } from "@/lib/shared/task-statuses";
import { isUnstorableString } from "@/lib/shared/unicode";

export type SearchParams = Record<string, string | string[] | undefined>;

/**
 * One parameter's value. A value holding a NUL or an unpaired surrogate is no filter any database
 * can take (PostgreSQL fails, SQLite cuts it short): it is dropped, as every bad value falls back.
 */
export function one(sp: SearchParams, key: string): string | undefined {
  const raw = Object.hasOwn(sp, key) ? sp[key] : undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v === undefined || isUnstorableString(v) ? undefined : v;
}

/** A query string ("?a=1&b=2") of the parameters that have a value: a link that changes one keeps the others. */
export function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return `?${q}`;
}

export function pageParam(sp: SearchParams): number {
  const n = Number(one(sp, "page"));
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

/** The columns the policy grid sorts by, as listPolicies names them (Harbor's sort keys). */
export const POLICY_SORTS = ["name", "creation_time", "enabled"] as const;
export type PolicySortKey = (typeof POLICY_SORTS)[number];
export type PolicySort = { key: PolicySortKey; desc: boolean } | undefined;

export function policySortParam(sp: SearchParams): PolicySort {
  const raw = one(sp, "sort") ?? "";
  const key = raw.replace(/^-/, "");
  return (POLICY_SORTS as readonly string[]).includes(key)
    ? { key: key as PolicySortKey, desc: raw.startsWith("-") }
    : undefined;
}

export function sortString(sort: PolicySort): string | undefined {
  return sort ? `${sort.desc ? "-" : ""}${sort.key}` : undefined;
}

/** The sort a column header link selects: ascending first, then descending. */
export function nextSort(current: PolicySort, key: PolicySortKey): string {
  return current?.key === key && !current.desc ? `-${key}` : key;
}

export function nameFilterParam(sp: SearchParams): string | undefined {
  const q = one(sp, "q")?.trim();
  return q ? q.slice(0, 256) : undefined;
}

/** Longest text filter value read from the URL (the event search columns keep 512 characters). */
export const FILTER_TEXT_MAX = 512;
const MAX_ROW_ID = 2_147_483_647;

function textParam(sp: SearchParams, key: string): string | undefined {
  const v = one(sp, key)?.trim();
  return v ? v.slice(0, FILTER_TEXT_MAX) : undefined;
}

function rowIdParam(sp: SearchParams, key: string): number | undefined {
  const v = one(sp, key)?.trim() ?? "";
  if (!/^[1-9][0-9]{0,9}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_ROW_ID ? n : undefined;
}

/** An instant in UTC (the filter forms send ISO strings made in the browser from its local time). */
function timeParam(sp: SearchParams, key: string): Date | undefined {
  const v = one(sp, key)?.trim() ?? "";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** What an event is about: exact matches on the columns extracted at ingest. */
export type EventSubjectFilters = { repository?: string; tag?: string; digest?: string; operator?: string };

function subjectParams(sp: SearchParams): EventSubjectFilters {
  return {
    repository: textParam(sp, "repository"),
    tag: textParam(sp, "tag"),
    digest: textParam(sp, "digest"),
    operator: textParam(sp, "operator"),
  };
}

export type ExecutionFilters = EventSubjectFilters & {
  status?: TaskStatus;
  eventType?: AnyEventType;
  /** the event id (executions of one event) */
  eventId?: number;
  /** a task's webhook-id (Standard Webhooks message id) */
  webhookId?: string;
  /** execution start time range, inclusive, UTC */
  from?: Date;
  to?: Date;
};

export function executionFilterParams(sp: SearchParams): ExecutionFilters {
  const status = one(sp, "status");
  const eventType = one(sp, "event_type");
  return {
    status: isTaskStatus(status) ? status : undefined,
    eventType: isAnyEventType(eventType) ? eventType : undefined,
    ...subjectParams(sp),
    eventId: rowIdParam(sp, "event_id"),
    webhookId: textParam(sp, "webhook_id"),
    from: timeParam(sp, "from"),
    to: timeParam(sp, "to"),
  };
}

/** The filters as query parameters again (pagination links keep them). */
export function executionFilterQuery(f: ExecutionFilters): Record<string, string | undefined> {
  return {
    status: f.status,
    event_type: f.eventType,
    repository: f.repository,
    tag: f.tag,
    digest: f.digest,
    operator: f.operator,
    event_id: f.eventId === undefined ? undefined : String(f.eventId),
    webhook_id: f.webhookId,
    from: f.from?.toISOString(),
    to: f.to?.toISOString(),
  };
}

export const hasFilters = (f: object) => Object.values(f).some((v) => v !== undefined);

/** The project's event search: what the event is about and its type. */
export type EventSearchFilters = EventSubjectFilters & { type?: AnyEventType };

export function eventSearchParams(sp: SearchParams): EventSearchFilters {
  const type = one(sp, "type");
  return { ...subjectParams(sp), type: isAnyEventType(type) ? type : undefined };
}

export function eventSearchQuery(f: EventSearchFilters): Record<string, string | undefined> {
  return { repository: f.repository, tag: f.tag, digest: f.digest, operator: f.operator, type: f.type };
}
