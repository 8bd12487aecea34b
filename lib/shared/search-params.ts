/** Query parameters of the webhook pages (page, sort, filters), read defensively: a bad value falls back, it never throws. */
import { isEventType, type EventType } from "@/lib/shared/events";
import { isTaskStatus, type TaskStatus } from "@/lib/shared/task-statuses";

export type SearchParams = Record<string, string | string[] | undefined>;

export function one(sp: SearchParams, key: string): string | undefined {
  const v = sp[key];
  return Array.isArray(v) ? v[0] : v;
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

export type ExecutionFilters = { status?: TaskStatus; eventType?: EventType };

export function executionFilterParams(sp: SearchParams): ExecutionFilters {
  const status = one(sp, "status");
  const eventType = one(sp, "event_type");
  return {
    status: isTaskStatus(status) ? status : undefined,
    eventType: isEventType(eventType) ? eventType : undefined,
  };
}
