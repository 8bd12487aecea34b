import { Notice, PageHeader } from "@/components/ui";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { InstanceCoverageCard } from "@/components/webhooks/instance-coverage";
import { DeliveryStatsPanel } from "@/components/webhooks/delivery-stats";
import { WebhookList } from "@/components/webhooks/webhook-list";
import { loadWebhooksPage } from "@/lib/webhooks-ui/loaders";
import { one, queryString, sortString, type SearchParams } from "@/lib/shared/search-params";
import { deletedText } from "@/lib/shared/flash";
import { refusalMessage } from "@/lib/auth/permission-messages";
import { titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("Webhooks", (await params).project);
}

export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name } = await params;
  const sp = await searchParams;
  const data = await loadWebhooksPage(name, sp);
  const project = data.project.name;
  // A code, never text from the URL.
  const deleted = deletedText(one(sp, "deleted"));
  return (
    <>
      <PageHeader title={project} subtitle="Webhooks tell other systems about events in this project's repositories." />
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="webhooks" />
      <div className="space-y-4">
        {deleted && <Notice tone="green">{deleted}</Notice>}
        {!data.manage && (
          <Notice>You can look at these webhooks and their deliveries. {refusalMessage("webhook.manage")}</Notice>
        )}
        <WebhookList scope={project} data={data} />
        {(data.total > 0 || data.q) && (
          <DeliveryStatsPanel
            title="Deliveries of this project's webhooks"
            stats={data.stats}
            hrefFor={(range) =>
              queryString({
                q: data.q,
                sort: sortString(data.sort),
                page: data.page > 1 ? String(data.page) : undefined,
                range,
              })
            }
          />
        )}
        {data.coverage && <InstanceCoverageCard coverage={data.coverage} />}
      </div>
    </>
  );
}
