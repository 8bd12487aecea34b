import { webRegistry } from "@/lib/metrics/queue-metrics";

export const dynamic = "force-dynamic";

export async function GET() {
  const registry = webRegistry();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
}
