import { TaskLogView } from "@/components/webhooks/task-log-view";
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
  return <TaskLogView scope={data.project.name} data={data} />;
}
