import { ExecutionDetail } from "@/components/webhooks/execution-detail";
import { loadInstanceExecutionDetail } from "@/lib/webhooks-ui/loaders";
import { instanceWebhookTitle, titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ id: string; eid: string }> }) {
  const { id, eid } = await params;
  return titled(`Execution ${eid}`, await instanceWebhookTitle(id), "Instance-wide webhooks");
}

export default async function InstanceExecutionPage({ params }: { params: Promise<{ id: string; eid: string }> }) {
  const { id, eid } = await params;
  return <ExecutionDetail scope={null} data={await loadInstanceExecutionDetail(id, eid)} />;
}
