import Link from "next/link";
import { AutoRefresh } from "@/components/webhooks/auto-refresh";
import { StatusBadge } from "@/components/webhooks/status-badge";
import { loadTaskLog } from "@/lib/webhooks-ui/loaders";
import { titled, webhookTitle } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ project: string; id: string; eid: string; tid: string }>;
}) {
  const { project, id, tid } = await params;
  return titled(`Task ${tid} log`, await webhookTitle(project, id), project);
}

export default async function TaskLogPage({
  params,
}: {
  params: Promise<{ project: string; id: string; eid: string; tid: string }>;
}) {
  const { project: name, id, eid, tid } = await params;
  const data = await loadTaskLog(name, id, eid, tid);
  const project = data.project.name;
  const policyBase = `/projects/${encodeURIComponent(project)}/webhooks/${data.policy.id}`;
  const executionHref = `${policyBase}/executions/${data.execution.id}`;
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <ol className="flex flex-wrap gap-1">
          <li>
            <Link href={`/projects/${encodeURIComponent(project)}/webhooks`} className="text-sky-800 hover:underline">
              {project} webhooks
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
