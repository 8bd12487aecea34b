import { apiRoute } from "@/lib/api/route";
import { env } from "@/lib/config/env";
import { metricsAuthorized } from "@/lib/metrics/access";
import { webRegistry } from "@/lib/metrics/queue-metrics";

export const dynamic = "force-dynamic";

/**
 * GET /metrics: Prometheus text. Open by default, as scrapers expect (counts only, no names or
 * secrets); with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`.
 */
export const GET = apiRoute({ flavor: "text", permission: "public" }, async ({ req }) => {
  if (!metricsAuthorized(req.headers.get("authorization"), env().METRICS_TOKEN)) {
    return new Response("metrics require Authorization: Bearer <METRICS_TOKEN>\n", {
      status: 401,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "WWW-Authenticate": 'Bearer realm="metrics"',
        "Cache-Control": "no-store",
      },
    });
  }
  const registry = webRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
});
