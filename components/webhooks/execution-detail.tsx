import Link from "next/link";
import type { ReactNode } from "react";
import { Clamp, Badge, Card, Table, Td } from "@/components/ui";
import { AutoRefresh } from "@/components/webhooks/auto-refresh";
import { RedeliverTaskButton, StopExecutionButton } from "@/components/webhooks/execution-actions";
import { CodeBlock } from "@/components/webhooks/json-block";
import { StatusBadge } from "@/components/webhooks/status-badge";
import { elapsed, EVENT_SOURCE_LABELS, eventLabel, formatDuration, NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import type { ExecutionDetailView } from "@/lib/shared/webhook-views";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";
import { Time } from "@/components/ui/time";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-2 py-1.5 text-sm sm:grid-cols-[9rem_minmax(0,1fr)]">
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const METRICS: {
  key:
    | "task_count"
    | "success_task_count"
    | "error_task_count"
    | "pending_task_count"
    | "running_task_count"
    | "stopped_task_count";
  label: string;
}[] = [
  { key: "task_count", label: "Tasks" },
  { key: "success_task_count", label: "Success" },
  { key: "error_task_count", label: "Error" },
  { key: "pending_task_count", label: "Pending" },
  { key: "running_task_count", label: "Running" },
  { key: "stopped_task_count", label: "Stopped" },
];

/** An execution's page: summary, request, tasks and their attempts; for a project's webhook or an instance-wide one. */
export function ExecutionDetail({ scope, data }: { scope: WebhookScope; data: ExecutionDetailView }) {
  const { execution, policy } = data;
  const policyBase = `${webhooksBase(scope)}/${policy.id}`;
  const open = execution.status === "Pending" || execution.status === "Running";
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <ol className="flex flex-wrap gap-1">
          <li>
            <Link href={webhooksBase(scope)} className="text-sky-800 hover:underline">
              {scope === null ? "Instance-wide webhooks" : `${scope} webhooks`}
            </Link>{" "}
            /
          </li>
          <li>
            <Link href={policyBase} className="text-sky-800 hover:underline">
              {policy.name}
            </Link>{" "}
            /
          </li>
          <li aria-current="page">Execution {execution.id}</li>
        </ol>
      </nav>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="flex items-center gap-2 text-2xl font-semibold text-slate-900">
          Execution {execution.id} <StatusBadge status={execution.status} />
        </h1>
        <div className="flex items-center gap-3">
          <AutoRefresh active={data.refreshing} />
          {data.manage && open && (
            <StopExecutionButton project={scope} policyId={policy.id} executionId={execution.id} />
          )}
        </div>
      </div>

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card title="Summary">
          <dl className="divide-y divide-slate-100">
            <Row label="Status">
              <StatusBadge status={execution.status} />
              {execution.statusMessage && <span className="ml-2 text-slate-700">{execution.statusMessage}</span>}
            </Row>
            <Row label="Event type">
              {eventLabel(execution.eventType)} <code className="text-xs text-slate-500">{execution.eventType}</code>
            </Row>
            <Row label="Notify type">
              {NOTIFY_TYPE_LABELS[execution.target.type] ?? execution.target.type}
              {(execution.target.type === "http" || execution.target.payloadFormat === "Custom") &&
                ` · ${execution.target.payloadFormat}`}
            </Row>
            <Row label="Endpoint">
              <span className="break-all">{execution.target.address}</span>
            </Row>
            <Row label="Trigger">{execution.trigger === "MANUAL" ? "Manual (test event or redelivery)" : "Event"}</Row>
            <Row label="Event source">
              {EVENT_SOURCE_LABELS[execution.event.source] ?? execution.event.source}
              {execution.event.operator && ` · operator ${execution.event.operator}`}
            </Row>
            {scope === null && <Row label="Project">{execution.event.projectName}</Row>}
            <Row label="Event">
              <Link
                href={`/projects/${encodeURIComponent(execution.event.projectName)}/events/${execution.event.id}`}
                className="text-sky-800 hover:underline"
              >
                {/* The project's event page lists the deliveries of the project's own webhooks. */}
                {scope === null
                  ? `Event ${execution.event.id}: the deliveries of ${execution.event.projectName}'s webhooks`
                  : `Event ${execution.event.id}: every delivery of it`}
              </Link>
            </Row>
            <Row label="Request id">
              <code className="text-xs">{execution.event.requestId}</code>
            </Row>
            <Row label="Started">
              <Time date={execution.startTime} />
            </Row>
            <Row label="Ended">
              <Time date={execution.endTime} />
            </Row>
            <Row label="Duration">{elapsed(execution.startTime, execution.endTime)}</Row>
          </dl>
        </Card>
        <Card title="Tasks by status">
          <dl className="grid grid-cols-3 gap-2" aria-label="Task counts">
            {METRICS.map((m) => (
              <div key={m.key} className="rounded-md border border-slate-200 p-2 text-center" data-metric={m.label}>
                <dt className="text-xs text-slate-600">{m.label}</dt>
                <dd className="text-xl font-semibold">{data.metrics[m.key]}</dd>
              </div>
            ))}
          </dl>
        </Card>
      </div>

      <section aria-labelledby="tasks-heading" className="space-y-3">
        <h2 id="tasks-heading" className="text-lg font-semibold">
          Tasks
        </h2>
        <Table
          head={["ID", "Status", "Run count", "Started", "Ended", "Log", ...(data.manage ? ["Actions"] : [])]}
          caption="Tasks"
        >
          {data.tasks.map((t) => (
            <tr key={t.id} data-task={t.id}>
              <Td className="font-medium">
                <a href={`#task-${t.id}`} className="text-sky-800 hover:underline">
                  {t.id}
                </a>
              </Td>
              <Td className="max-w-80">
                <StatusBadge status={t.status} />
                {t.statusMessage && <Clamp text={t.statusMessage} lines={3} className="mt-1 text-xs text-slate-600" />}
                {t.nextAttemptAt && t.runCount > 0 && (
                  <span className="block text-xs text-slate-500">
                    next attempt <Time date={t.nextAttemptAt} relative />
                  </span>
                )}
              </Td>
              <Td className="max-w-64 text-sm">{t.runs}</Td>
              <Td className="whitespace-nowrap text-xs">
                <Time date={t.startTime} relative />
              </Td>
              <Td className="whitespace-nowrap text-xs">
                <Time date={t.endTime} relative />
              </Td>
              <Td>
                <Link
                  href={`${policyBase}/executions/${execution.id}/tasks/${t.id}/log`}
                  className="text-sky-800 hover:underline"
                  aria-label={`Log of task ${t.id}`}
                >
                  Log
                </Link>
              </Td>
              {data.manage && (
                <Td>
                  <RedeliverTaskButton
                    project={scope}
                    policyId={policy.id}
                    taskId={t.id}
                    inProgress={t.status === "Pending" || t.status === "Running"}
                  />
                </Td>
              )}
            </tr>
          ))}
        </Table>
      </section>

      {data.tasks.map((t) => (
        <section key={t.id} id={`task-${t.id}`} aria-labelledby={`task-${t.id}-heading`} className="space-y-4">
          <h2 id={`task-${t.id}-heading`} className="text-lg font-semibold">
            Task {t.id}: request and attempts
          </h2>
          <Card title="Request">
            <div className="space-y-3 text-sm">
              <p className="text-slate-700">
                <code className="text-xs">webhook-id: {t.webhookId}</code>
                {t.request && (
                  <>
                    {" "}
                    · <code className="text-xs">Content-Type: {t.request.contentType}</code>
                  </>
                )}
              </p>
              {t.request ? (
                <CodeBlock text={t.request.body} label="Request body" copyLabel="Copy body" />
              ) : (
                <p>The stored event could not be read.</p>
              )}
            </div>
          </Card>
          {t.attempts.length === 0 ? (
            <p className="text-sm text-slate-600">No attempt yet.</p>
          ) : (
            <ol className="space-y-4" aria-label={`Attempts of task ${t.id}`}>
              {t.attempts.map((a) => (
                <li key={a.id} data-attempt={a.number}>
                  <Card title={`Attempt ${a.number}`}>
                    <div className="grid gap-4 lg:grid-cols-2">
                      <dl className="divide-y divide-slate-100">
                        <Row label="Started">
                          <Time date={a.startedAt} />
                        </Row>
                        <Row label="Duration">{formatDuration(a.durationMs)}</Row>
                        <Row label="Response status">
                          {a.responseStatus != null ? (
                            <Badge tone={a.responseStatus >= 200 && a.responseStatus < 300 ? "green" : "red"}>
                              {a.responseStatus}
                            </Badge>
                          ) : (
                            "No response"
                          )}
                        </Row>
                        <Row label="Error">{a.error ? <span className="text-red-800">{a.error}</span> : "—"}</Row>
                      </dl>
                      <div className="space-y-1">
                        <h3 className="text-xs font-medium text-slate-600">Request headers</h3>
                        <table className="w-full text-xs">
                          <caption className="sr-only">Request headers of attempt {a.number}</caption>
                          <tbody className="divide-y divide-slate-100">
                            {a.headers.map(([k, v]) => (
                              <tr key={k}>
                                <th
                                  scope="row"
                                  className="py-1 pr-2 text-left align-top font-mono font-normal text-slate-600"
                                >
                                  {k}
                                </th>
                                <td className="break-all py-1 font-mono">{v}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    </div>
                    <div className="mt-3">
                      {a.responseExcerpt ? (
                        <CodeBlock text={a.responseExcerpt} label="Response body (excerpt)" maxHeight="max-h-48" />
                      ) : (
                        <p className="text-xs text-slate-500">No response body.</p>
                      )}
                    </div>
                  </Card>
                </li>
              ))}
            </ol>
          )}
        </section>
      ))}
    </div>
  );
}
