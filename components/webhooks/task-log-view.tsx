import Link from "next/link";
import { AutoRefresh } from "@/components/webhooks/auto-refresh";
import { StatusBadge } from "@/components/webhooks/status-badge";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";
import type { TaskLogPageView } from "@/lib/shared/webhook-views";

/** A task's log with its download link; for a project's webhook or an instance-wide one. */
export function TaskLogView({ scope, data }: { scope: WebhookScope; data: TaskLogPageView }) {
  const policyBase = `${webhooksBase(scope)}/${data.policy.id}`;
  const executionHref = `${policyBase}/executions/${data.execution.id}`;
  return (
    <div className="space-y-4">
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
              {data.policy.name}
            </Link>{" "}
            /
          </li>
          <li>
            <Link href={executionHref} className="text-sky-800 hover:underline">
              Execution {data.execution.id}
            </Link>{" "}
            /
          </li>
          <li aria-current="page">Task {data.task.id} log</li>
        </ol>
      </nav>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="flex items-center gap-2 text-2xl font-semibold">
          Log of task {data.task.id} <StatusBadge status={data.task.status} />
        </h1>
        <div className="flex items-center gap-3">
          <AutoRefresh active={data.refreshing} />
          <a
            href={`${executionHref}/tasks/${data.task.id}/log/download`}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
          >
            Download log
          </a>
        </div>
      </div>
      <pre
        tabIndex={0}
        aria-label={`Log of task ${data.task.id}`}
        className="min-h-40 overflow-auto whitespace-pre-wrap break-all rounded-lg bg-code p-4 font-mono text-xs leading-relaxed text-code-ink"
      >
        {data.text || "The log is empty: this task has not run yet."}
      </pre>
    </div>
  );
}
