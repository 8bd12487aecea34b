// A delivery worker process: `npm run worker` starts one more. Its settings come from the
// environment (lib/config/env.ts); it serves its metrics on WORKER_METRICS_PORT if set, and on
// SIGTERM or SIGINT it stops claiming, finishes or gives back its deliveries, exports the spans it
// still holds (when tracing is on, docs/tracing.md), and exits 0. It also sends the operator alerts
// that are due.
import http from "node:http";
import { env } from "../lib/config/env";
import { disconnectDb } from "../lib/db/client";
import { DeliveryWorker } from "../lib/delivery/worker";
import { startAlertSender } from "../lib/alerts/sender";
import { logger } from "../lib/log/logger";
import { deliveryRegistry } from "../lib/metrics/delivery-metrics";
import { startTracing } from "../lib/tracing/start";

async function main() {
  const config = env();
  // The role sets worker defaults (SQLite waits with timers, lib/db/busy.ts) and labels the logs.
  if (config.HARBOR_ROLE !== "worker") {
    console.error("A worker process needs HARBOR_ROLE=worker (npm run worker sets it)");
    process.exit(1);
  }
  const tracing = await startTracing("worker");
  const worker = new DeliveryWorker();
  await worker.start();
  // Operator alerts (lib/alerts): emailed and raised as operational events by every worker.
  const alerts = startAlertSender({ owner: worker.owner });
  let server: http.Server | undefined;
  if (config.WORKER_METRICS_PORT) {
    server = http.createServer(async (_req, res) => {
      res.setHeader("Content-Type", deliveryRegistry.contentType);
      res.end(await deliveryRegistry.metrics());
    });
    server.listen(config.WORKER_METRICS_PORT, config.WORKER_METRICS_HOST);
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting down the worker");
    server?.close();
    await alerts.stop();
    await worker.stop();
    await tracing.shutdown();
    await disconnectDb();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
