import { PageHeader } from "@/components/ui";
import { DeliveryStatsPanel } from "@/components/webhooks/delivery-stats";
import { loadDeliveryDashboard } from "@/lib/webhooks-ui/loaders";
import type { SearchParams } from "@/lib/shared/search-params";

export const metadata = { title: "Deliveries" };

export default async function DeliveriesDashboardPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const stats = await loadDeliveryDashboard(await searchParams);
  return (
    <>
      <PageHeader
        title="Deliveries"
        subtitle="Every webhook's deliveries on this instance: outcomes over time, latency from an event's acceptance to the receiver's answer, and the targets failing most."
      />
      <DeliveryStatsPanel stats={stats} hrefFor={(range) => `/admin/deliveries?range=${range}`} />
    </>
  );
}
