import Link from "next/link";
import { Notice, PageHeader } from "@/components/ui";
import { WebhookList } from "@/components/webhooks/webhook-list";
import { loadInstanceWebhooksPage } from "@/lib/webhooks-ui/loaders";
import { deletedText } from "@/lib/shared/flash";
import { one, type SearchParams } from "@/lib/shared/search-params";

export const metadata = { title: "Instance-wide webhooks" };

export default async function InstanceWebhooksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const sp = await searchParams;
  const data = await loadInstanceWebhooksPage(sp);
  // A code, never text from the URL.
  const deleted = deletedText(one(sp, "deleted"));
  return (
    <>
      <PageHeader
        title="Instance-wide webhooks"
        subtitle="Webhooks for the events of every project, present and future, or of the projects whose names match a pattern. Only system admins see this page; project admins see which of these cover their project."
      />
      <div className="space-y-4">
        {deleted && <Notice tone="green">{deleted}</Notice>}
        <Notice tone="blue">
          Operations channel: an instance-wide webhook that selects the operational events (a target paused or resumed,
          deliveries failed after all retries) receives them for every project its pattern takes in, on any notify type
          and in Default or CloudEvents form. See the{" "}
          <Link href="/event-types#webhook.target_paused" prefetch={false} className="underline">
            event types
          </Link>{" "}
          for their payloads.
        </Notice>
        <WebhookList scope={null} data={data} />
      </div>
    </>
  );
}
