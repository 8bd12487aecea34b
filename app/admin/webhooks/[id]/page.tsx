import { PageHeader } from "@/components/ui";
import { PolicyDetail } from "@/components/webhooks/policy-detail";
import { loadInstancePolicyDetail } from "@/lib/webhooks-ui/loaders";
import { one, type SearchParams } from "@/lib/shared/search-params";
import { instanceWebhookTitle, titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return titled(await instanceWebhookTitle((await params).id), "Instance-wide webhooks");
}

export default async function InstancePolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const sp = await searchParams;
  const data = await loadInstancePolicyDetail((await params).id, sp);
  return (
    <>
      <PageHeader
        title="Instance-wide webhooks"
        subtitle="Webhooks for the events of every project, or of the projects whose names match a pattern."
      />
      <PolicyDetail scope={null} data={data} saved={!!one(sp, "saved")} />
    </>
  );
}
