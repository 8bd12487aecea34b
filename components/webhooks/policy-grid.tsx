import Link from "next/link";
import { Clamp, Badge, Table, Td } from "@/components/ui";
import { PolicyActions, ResumeTargetButton } from "@/components/webhooks/policy-actions";
import { EnabledBadge, StatusBadge } from "@/components/webhooks/status-badge";
import { EVENT_TYPES, isOperationalEventType } from "@/lib/shared/events";
import { eventLabel, formatDateTime, NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import type { PolicyRowView, TargetView } from "@/lib/shared/webhook-views";
import { nextSort, queryString, type PolicySort, type PolicySortKey } from "@/lib/shared/search-params";
import { Time } from "@/components/ui/time";
import { targetHealthState } from "@/lib/shared/target-health";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";

function SortHeader({
  label,
  sortKey,
  sort,
  keep,
}: {
  label: string;
  sortKey: PolicySortKey;
  sort: PolicySort;
  /** the list's other query parameters (name filter, chart range), kept by the link */
  keep: Record<string, string | undefined>;
}) {
  const active = sort?.key === sortKey;
  return (
    <Link
      href={queryString({ ...keep, sort: nextSort(sort, sortKey) })}
      className="inline-flex items-center gap-1 hover:text-sky-800 hover:underline"
    >
      {label}
      <span aria-hidden>{active ? (sort!.desc ? "▼" : "▲") : "↕"}</span>
      <span className="sr-only">{active ? (sort!.desc ? ", sorted descending" : ", sorted ascending") : ", sort"}</span>
    </Link>
  );
}

export function EventTypeList({ types }: { types: string[] }) {
  if (EVENT_TYPES.every((t) => types.includes(t)) && !types.some(isOperationalEventType))
    return <span>All event types</span>;
  return <span>{types.map(eventLabel).join(", ")}</span>;
}

/** Healthy or failing since when, the last success and the failures in a row. */
function TargetHealthLine({ target }: { target: TargetView }) {
  const state = targetHealthState(target);
  return (
    <p className="mt-1 text-xs text-slate-600" data-testid="target-health">
      {state === "failing" ? (
        <>
          <Badge tone="red">Failing</Badge>{" "}
          {target.firstFailureAt ? (
            <>
              since <Time date={target.firstFailureAt} />,{" "}
            </>
          ) : null}
          {target.consecutiveFailures} in a row
          {target.lastFailureReason ? `: ${target.lastFailureReason}` : ""}.
        </>
      ) : state === "healthy" ? (
        <Badge tone="green">Healthy</Badge>
      ) : null}{" "}
      Last success: {target.lastSuccessAt ? <Time date={target.lastSuccessAt} /> : "none yet"}.
    </p>
  );
}

export function TargetState({
  project,
  policyId,
  target,
  manage,
  compact = false,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  policyId: number;
  target: TargetView;
  manage: boolean;
  compact?: boolean;
}) {
  if (target.status !== "paused") return compact ? null : <TargetHealthLine target={target} />;
  return (
    <div className="mt-1 space-y-1 rounded border border-amber-200 bg-amber-50 p-2 text-xs text-amber-950">
      <p className="break-words">
        <Badge tone="amber">Paused</Badge> {target.pausedReason ?? "deliveries to this endpoint are on hold"}
        {target.pausedAt && (
          <>
            {" "}
            (since <Time date={target.pausedAt} />)
          </>
        )}
      </p>
      {!compact && <TargetHealthLine target={target} />}
      {!compact && <p>Deliveries to it wait until it is resumed.</p>}
      {manage && <ResumeTargetButton project={project} policyId={policyId} targetId={target.id} />}
    </div>
  );
}

export function PolicyGrid({
  project,
  rows,
  manage,
  sort,
  q,
  range,
}: {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  rows: PolicyRowView[];
  manage: boolean;
  sort: PolicySort;
  q?: string;
  range?: string;
}) {
  const base = webhooksBase(project);
  const keep = { q, range };
  const head = [
    <SortHeader key="name" label="Name" sortKey="name" sort={sort} keep={keep} />,
    <SortHeader key="enabled" label="Status" sortKey="enabled" sort={sort} keep={keep} />,
    ...(project === null ? ["Projects"] : []),
    "Notify type",
    "Payload format",
    "Endpoint URL",
    "Event types",
    "Last delivery",
    <SortHeader key="created" label="Created" sortKey="creation_time" sort={sort} keep={keep} />,
    "Description",
    ...(manage ? ["Actions"] : []),
  ];
  return (
    <Table head={head} caption="Webhook policies">
      {rows.map((p) => (
        <tr key={p.id} data-policy={p.name}>
          <Td className="min-w-32 font-medium">
            <Link href={`${base}/${p.id}`} className="text-sky-800 hover:underline">
              <Clamp text={p.name} />
            </Link>
          </Td>
          <Td>
            <EnabledBadge enabled={p.enabled} />
          </Td>
          {project === null && (
            <Td className="text-xs">{p.projectPattern ? <code>{p.projectPattern}</code> : "Every project"}</Td>
          )}
          <Td>{[...new Set(p.targets.map((t) => NOTIFY_TYPE_LABELS[t.type] ?? t.type))].join(", ")}</Td>
          <Td>
            {p.targets
              .map((t) => t.payloadFormat)
              .filter(Boolean)
              .join(", ") || "—"}
          </Td>
          <Td className="min-w-44 max-w-64">
            {p.targets.map((t) => (
              <div key={t.id}>
                <Clamp text={t.address} url />
                <TargetState project={project} policyId={p.id} target={t} manage={manage} compact />
              </div>
            ))}
          </Td>
          <Td className="min-w-32 max-w-48 text-xs">
            <EventTypeList types={p.eventTypes} />
          </Td>
          <Td className="text-xs">
            {p.last ? (
              <Link
                href={`${base}/${p.id}/executions/${p.last.id}`}
                className="space-y-0.5 hover:underline"
                aria-label={`Last delivery: ${p.last.status}, ${formatDateTime(p.last.startTime)}`}
              >
                <StatusBadge status={p.last.status} />
                <Time date={p.last.endTime ?? p.last.startTime} relative className="block whitespace-nowrap" />
              </Link>
            ) : (
              <span className="text-slate-500">Never</span>
            )}
          </Td>
          <Td className="text-xs">
            <Time date={p.createdAt} relative className="block whitespace-nowrap" />
          </Td>
          <Td className="max-w-40 text-xs text-slate-700">{p.description ? <Clamp text={p.description} /> : "—"}</Td>
          {manage && (
            <Td>
              <PolicyActions
                project={project}
                policy={{ id: p.id, name: p.name, enabled: p.enabled, eventTypes: p.eventTypes }}
                layout="row"
              />
            </Td>
          )}
        </tr>
      ))}
    </Table>
  );
}
