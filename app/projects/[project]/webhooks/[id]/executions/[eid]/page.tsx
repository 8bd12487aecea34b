import { ExecutionDetail } from "@/components/webhooks/execution-detail";
import { loadExecutionDetail } from "@/lib/webhooks-ui/loaders";
import { titled, webhookTitle } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string; id: string; eid: string }> }) {
  const { project, id, eid } = await params;
  return titled(`Execution ${eid}`, await webhookTitle(project, id), project);
}

export default async function ExecutionPage({
  params,
}: {
  params: Promise<{ project: string; id: string; eid: string }>;
}) {
  const { project: name, id, eid } = await params;
  const data = await loadExecutionDetail(name, id, eid);
  return <ExecutionDetail scope={data.project.name} data={data} />;
}
