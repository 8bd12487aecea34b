import Link from "next/link";
import { Clamp, EmptyState, Table, Td } from "@/components/ui";
import { StopExecutionButton } from "@/components/webhooks/execution-actions";
import { PayloadDialog } from "@/components/webhooks/payload-dialog";
import { StatusBadge } from "@/components/webhooks/status-badge";
import { artifactLabel, FilterText } from "@/components/events/filter-fields";
import { LocalTimeInput } from "@/components/events/time-range";
import { EVENT_LABELS, type AnyEventType } from "@/lib/shared/events";
import { TASK_STATUSES } from "@/lib/shared/task-statuses";
import { eventLabel, NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import { hasFilters, type ExecutionFilters } from "@/lib/shared/search-params";
import { Time } from "@/components/ui/time";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";
import type { ExecutionRowView } from "@/lib/shared/webhook-views";

export function ExecutionFiltersForm({
  filters,
  eventTypes,
}: {
  filters: ExecutionFilters;
  eventTypes: readonly AnyEventType[];
}) {
  const active = hasFilters(filters);
  return (
    <form className="flex flex-wrap items-end gap-2" aria-label="Filter executions">
      <FilterText
        id="exec-repository"
        name="repository"
        label="Repository"
        value={filters.repository}
        placeholder="team-a/alpine"
      />
      <FilterText id="exec-tag" name="tag" label="Tag" value={filters.tag} width="w-28" />
      <FilterText id="exec-digest" name="digest" label="Digest" value={filters.digest} placeholder="sha256:…" />
      <FilterText id="exec-operator" name="operator" label="Operator" value={filters.operator} width="w-32" />
      <FilterText id="exec-event-id" name="event_id" label="Event ID" value={filters.eventId} width="w-24" />
      <FilterText
        id="exec-webhook-id"
        name="webhook_id"
        label="Webhook-id"
        value={filters.webhookId}
        placeholder="msg_…"
      />
      <LocalTimeInput id="exec-from" name="from" label="Started from" value={filters.from?.toISOString()} />
      <LocalTimeInput id="exec-to" name="to" label="Started until" value={filters.to?.toISOString()} />
      <div>
        <label htmlFor="exec-status" className="block text-xs font-medium text-slate-700">
          Status
        </label>
        <select
          id="exec-status"
          name="status"
          defaultValue={filters.status ?? ""}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">All statuses</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="exec-event-type" className="block text-xs font-medium text-slate-700">
          Event type
        </label>
        <select
          id="exec-event-type"
          name="event_type"
          defaultValue={filters.eventType ?? ""}
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
        Apply filters
      </button>
      {active && (
        <Link href="?" className="px-2 py-1.5 text-sm text-sky-800 hover:underline">
          Clear filters
        </Link>
      )}
    </form>
  );
}

export function ExecutionsTable({
  project,
  policyId,
  rows,
  manage,
  filtered,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  rows: ExecutionRowView[];
  manage: boolean;
  filtered: boolean;
}) {
  const base = `${webhooksBase(project)}/${policyId}`;
  if (rows.length === 0) {
    return (
      <EmptyState title={filtered ? "No execution matches these filters." : "No deliveries yet."}>
        {!filtered &&
          (project === null
            ? "When an event of a subscribed type happens in a project this webhook covers, its delivery shows up here."
            : "When an event of a subscribed type happens in this project, or a test event is sent, its delivery shows up here.")}
      </EmptyState>
    );
  }
  return (
    <Table
      head={[
        "ID",
        "Notify type",
        "Status",
        "Event type",
        "Event",
        "Payload",
        "Started",
        "Ended",
        "Attempts",
        ...(manage ? ["Actions"] : []),
      ]}
      caption="Executions"
    >
      {rows.map((e) => (
        <tr key={e.id} data-execution={e.id}>
          <Td className="font-medium">
            <Link
              href={`${base}/executions/${e.id}`}
              className="text-sky-800 hover:underline"
              aria-label={`Execution ${e.id}`}
            >
              {e.id}
            </Link>
            {e.trigger === "MANUAL" && <span className="block text-xs text-slate-500">manual</span>}
          </Td>
          <Td>{NOTIFY_TYPE_LABELS[e.targetType] ?? e.targetType}</Td>
          <Td className="max-w-72">
            <StatusBadge status={e.status} />
            {e.statusMessage && <Clamp text={e.statusMessage} className="mt-1 text-xs text-slate-600" />}
          </Td>
          <Td className="whitespace-nowrap">{eventLabel(e.eventType)}</Td>
          <Td className="max-w-64">
            <Link
              href={`/projects/${encodeURIComponent(e.event.projectName)}/events/${e.event.id}`}
              className="text-sky-800 hover:underline"
              aria-label={`Event ${e.event.id}`}
            >
              #{e.event.id}
            </Link>
            {project === null && (
              <span className="block text-xs text-slate-600" data-event-project>
                in {e.event.projectName}
              </span>
            )}
            <Clamp text={artifactLabel(e.event)} url lines={3} className="font-mono text-xs text-slate-600" />
          </Td>
          <Td>
            <PayloadDialog executionId={e.id} payload={e.payload} />
          </Td>
          <Td className="whitespace-nowrap text-xs">
            <Time date={e.startTime} relative />
          </Td>
          <Td className="whitespace-nowrap text-xs">
            <Time date={e.endTime} relative />
          </Td>
          <Td className="max-w-56 text-xs">
            <span data-run-count>{e.attempts}</span>
          </Td>
          {manage && (
            <Td>
              {(e.status === "Pending" || e.status === "Running") && (
                <StopExecutionButton project={project} policyId={policyId} executionId={e.id} />
              )}
            </Td>
          )}
        </tr>
      ))}
    </Table>
  );
}
