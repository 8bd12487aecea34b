import { TaskLogView } from "@/components/webhooks/task-log-view";
import { loadInstanceTaskLog } from "@/lib/webhooks-ui/loaders";
import { instanceWebhookTitle, titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ id: string; eid: string; tid: string }> }) {
  const { id, tid } = await params;
  return titled(`Task ${tid} log`, await instanceWebhookTitle(id), "Instance-wide webhooks");
}

export default async function InstanceTaskLogPage({
  params,
}: {
  params: Promise<{ id: string; eid: string; tid: string }>;
}) {
  const { id, eid, tid } = await params;
  return <TaskLogView scope={null} data={await loadInstanceTaskLog(id, eid, tid)} />;
}
