import Link from "next/link";
import { Clamp, EmptyState, Table, Td } from "@/components/ui";
import { StatusBadge } from "@/components/webhooks/status-badge";
import { NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import { Time } from "@/components/ui/time";

export type EventExecutionView = {
  id: number;
  policy: { id: number; name: string };
  target: { type: string; address: string };
  vendorType: string;
  status: string;
  statusMessage: string;
  trigger: string;
  startTime: Date;
  endTime: Date | null;
  tasks: {
    id: number;
    webhookId: string;
    status: string;
    runCount: number;
    maxAttempts: number;
    lastResponse: { at: Date; status: number | null; excerpt: string | null; error: string | null } | null;
  }[];
};

/** Every execution of one event, across the project's webhooks, with links to its pages and logs. */
export function EventDeliveries({ project, rows }: { project: string; rows: EventExecutionView[] }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No webhook received this event.">
        No enabled webhook of this project subscribed to its type (or its repository and tag patterns did not match), or
        webhooks were switched off when it came in.
      </EmptyState>
    );
  const base = `/projects/${encodeURIComponent(project)}/webhooks`;
  return (
    <Table
      head={["Webhook", "Target", "Status", "Attempts", "Last response", "Started", "Execution"]}
      caption="Deliveries"
    >
      {rows.map((x) => {
        const task = x.tasks[x.tasks.length - 1];
        const last = task?.lastResponse;
        return (
          <tr key={x.id} data-execution={x.id}>
            <Td className="font-medium">
              <Link href={`${base}/${x.policy.id}`} className="text-sky-800 hover:underline">
                {x.policy.name}
              </Link>
            </Td>
            <Td className="max-w-64">
              <span className="block text-xs text-slate-500">{NOTIFY_TYPE_LABELS[x.target.type] ?? x.target.type}</span>
              <Clamp text={x.target.address} url />
            </Td>
            <Td className="max-w-72">
              <StatusBadge status={x.status} />
              {x.statusMessage && <Clamp text={x.statusMessage} className="mt-1 text-xs text-slate-600" />}
            </Td>
            <Td>
              {task ? (
                <>
                  {task.runCount} <span className="text-xs text-slate-500">of {task.maxAttempts}</span>
                </>
              ) : (
                "—"
              )}
            </Td>
            <Td className="max-w-64 text-xs">
              {last ? (
                <>
                  {last.status !== null && <span className="font-medium">HTTP {last.status}</span>}
                  {last.error && <span className="block break-words text-red-700">{last.error}</span>}
                  {last.excerpt && <span className="block truncate font-mono text-slate-600">{last.excerpt}</span>}
                  <Time date={last.at} relative className="block text-slate-500" />
                </>
              ) : (
                <span className="text-slate-500">no attempt yet</span>
              )}
            </Td>
            <Td className="whitespace-nowrap text-xs">
              <Time date={x.startTime} relative />
            </Td>
            <Td className="whitespace-nowrap">
              <Link
                href={`${base}/${x.policy.id}/executions/${x.id}`}
                className="text-sky-800 hover:underline"
                aria-label={`Execution ${x.id}`}
              >
                #{x.id}
              </Link>
              {x.tasks.map((t) => (
                <Link
                  key={t.id}
                  href={`${base}/${x.policy.id}/executions/${x.id}/tasks/${t.id}/log`}
                  className="ml-2 text-xs text-sky-800 hover:underline"
                  aria-label={`Log of task ${t.id}`}
                  title={`webhook-id ${t.webhookId}`}
                >
                  log
                </Link>
              ))}
            </Td>
          </tr>
        );
      })}
    </Table>
  );
}
