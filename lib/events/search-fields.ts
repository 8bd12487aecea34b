import type { HarborEvent } from "@/lib/shared/events";

/** Longest value kept in a search column (longer values are cut, so every index entry stays small). */
export const SEARCH_FIELD_MAX = 512;

/** The columns of an event that the history and event searches filter on (null: the event has none). */
export type EventSearchFields = { repository: string | null; tag: string | null; digest: string | null };

const text = (v: unknown): string | null =>
  typeof v === "string" && v.length > 0 ? v.slice(0, SEARCH_FIELD_MAX) : null;

/**
 * The repository, tag and digest an event is about, read from Harbor's payload shapes: artifact,
 * quota and scanning events carry `event_data.repository.repo_full_name` and `event_data.resources[]`
 * (the first resource's tag and digest are kept); replication and tag retention events have none.
 * The operator is stored in its own column already. The migration backfills older events with the
 * same rule in SQL (prisma/migrations/20261202000400_event_search).
 */
export function eventSearchFields(event: Pick<HarborEvent, "event_data">): EventSearchFields {
  const data = event.event_data as { repository?: { repo_full_name?: unknown }; resources?: unknown };
  const first = Array.isArray(data?.resources)
    ? (data.resources[0] as { tag?: unknown; digest?: unknown } | null)
    : null;
  return {
    repository: text(data?.repository?.repo_full_name),
    tag: text(first?.tag),
    digest: text(first?.digest),
  };
}
