import { apiRoute } from "@/lib/api/route";
import { webRegistry } from "@/lib/metrics/queue-metrics";

export const dynamic = "force-dynamic";

/** GET /metrics: Prometheus text; public, as scrapers expect (it holds counts, no names or secrets). */
export const GET = apiRoute({ flavor: "text", permission: "public" }, async () => {
  const registry = webRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
});
