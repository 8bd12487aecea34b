// The web process `npm start` runs: Next.js's request handler behind lib/process/web-server.ts
// (request timeouts, the connection's address for throttling), on PORT and HOST. The ingest
// endpoints are answered before Next (lib/events/ingest-http.ts). Tracing, when configured
// (docs/tracing.md), starts before Next so its route handlers share the tracer.
import next from "next";
import { env } from "../lib/config/env";
import { createWebServer } from "../lib/process/web-server";
import { startTracing } from "../lib/tracing/start";

async function main() {
  const config = env();
  const tracing = await startTracing("web");
  const app = next({ dev: false, dir: process.cwd(), hostname: config.HOST, port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  // Loaded once Next is prepared: the route code it shares with Next needs Next's runtime set up.
  const { handleIngest } = await import("../lib/events/ingest-http");
  const server = createWebServer((req, res) => void handle(req, res), config, [handleIngest]);
  server.on("error", (err) => {
    console.error(`The web server cannot listen on ${config.HOST ?? "every interface"}:${config.PORT}: ${err.message}`);
    process.exit(1);
  });
  server.listen(config.PORT, config.HOST, () => console.log(`web server ready on port ${config.PORT}`));
  const shutdown = () => {
    // The last spans are exported once the requests in flight have been answered.
    server.close(() => void tracing.shutdown().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
