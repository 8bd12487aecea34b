import Link from "next/link";
import { Clamp, Badge, EmptyState, Table, Td } from "@/components/ui";
import { FilterText } from "@/components/events/filter-fields";
import { EVENT_LABELS, type AnyEventType } from "@/lib/shared/events";
import { eventLabel } from "@/lib/shared/display";
import { hasFilters, type EventSearchFilters } from "@/lib/shared/search-params";
import { Time } from "@/components/ui/time";

export type DeliverySummaryView = { total: number; success: number; error: number; open: number; stopped: number };

export type EventRowView = {
  id: number;
  type: string;
  occurAt: Date;
  operator: string;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  createdAt: Date;
  deliveries: DeliverySummaryView;
};

export function EventSearchForm({
  filters,
  eventTypes,
}: {
  filters: EventSearchFilters;
  eventTypes: readonly AnyEventType[];
}) {
  return (
    <form role="search" className="flex flex-wrap items-end gap-2" aria-label="Search events">
      <FilterText
        id="ev-repository"
        name="repository"
        label="Repository"
        value={filters.repository}
        placeholder="team-a/alpine"
      />
      <FilterText id="ev-tag" name="tag" label="Tag" value={filters.tag} width="w-28" />
      <FilterText id="ev-digest" name="digest" label="Digest" value={filters.digest} placeholder="sha256:…" />
      <FilterText id="ev-operator" name="operator" label="Operator" value={filters.operator} width="w-32" />
      <div>
        <label htmlFor="ev-type" className="block text-xs font-medium text-slate-700">
          Event type
        </label>
        <select
          id="ev-type"
          name="type"
          defaultValue={filters.type ?? ""}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">All event types</option>
          {eventTypes.map((t) => (
            <option key={t} value={t}>
              {EVENT_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
      >
        Search
      </button>
      {hasFilters(filters) && (
        <Link href="?" className="px-2 py-1.5 text-sm text-sky-800 hover:underline">
          Clear
        </Link>
      )}
    </form>
  );
}

/** "delivered 2/3 · 1 failed": what became of an event's deliveries. */
export function DeliverySummary({ summary }: { summary: DeliverySummaryView }) {
  if (summary.total === 0) return <span className="text-xs text-slate-500">no webhook subscribed</span>;
  return (
    <span className="flex flex-wrap items-center gap-1" data-deliveries={`${summary.success}/${summary.total}`}>
      <Badge tone={summary.success === summary.total ? "green" : "gray"}>
        delivered {summary.success}/{summary.total}
      </Badge>
      {summary.error > 0 && <Badge tone="red">{summary.error} failed</Badge>}
      {summary.open > 0 && <Badge tone="amber">{summary.open} in progress</Badge>}
      {summary.stopped > 0 && <Badge tone="gray">{summary.stopped} stopped</Badge>}
    </span>
  );
}

export function EventsTable({ project, rows, filtered }: { project: string; rows: EventRowView[]; filtered: boolean }) {
  if (rows.length === 0)
    return (
      <EmptyState title={filtered ? "No event matches this search." : "No events yet."}>
        {!filtered && "Events from the registry, the event API and test events show up here."}
      </EmptyState>
    );
  return (
    <Table
      head={["Event", "Type", "Repository", "Tag / digest", "Operator", "Occurred", "Deliveries"]}
      caption="Events"
    >
      {rows.map((e) => (
        <tr key={e.id} data-event={e.id}>
          <Td className="font-medium">
            <Link
              href={`/projects/${encodeURIComponent(project)}/events/${e.id}`}
              className="text-sky-800 hover:underline"
              aria-label={`Event ${e.id}`}
            >
              {e.id}
            </Link>
          </Td>
          <Td className="whitespace-nowrap">{eventLabel(e.type)}</Td>
          <Td className="max-w-64">{e.repository ? <Clamp text={e.repository} url /> : "—"}</Td>
          <Td className="max-w-64 break-all font-mono text-xs">
            {e.tag && e.tag !== e.digest && <span className="block">{e.tag}</span>}
            {e.digest && <span className="block text-slate-500">{e.digest}</span>}
            {!e.tag && !e.digest && "—"}
          </Td>
          <Td>{e.operator || "—"}</Td>
          <Td className="whitespace-nowrap text-xs">
            <Time date={e.occurAt} relative />
          </Td>
          <Td>
            <DeliverySummary summary={e.deliveries} />
          </Td>
        </tr>
      ))}
    </Table>
  );
}
