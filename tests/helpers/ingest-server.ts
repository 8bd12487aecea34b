import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { handleIngest } from "@/lib/events/ingest-http";
import { createWebServer } from "@/lib/process/web-server";

/**
 * The web server `npm start` runs, with the lean ingest handler in front and `fallback` standing in
 * for Next.js, on a loopback port for the file's tests. `base()` is its URL once started.
 */
export function useIngestServer(fallback: http.RequestListener = (_req, res) => res.writeHead(404).end()) {
  let server: http.Server | undefined;
  let base = "";
  beforeAll(async () => {
    server = createWebServer(fallback, { HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_REQUEST_TIMEOUT_MS: 30_000 }, [
      handleIngest,
    ]);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });
  return { base: () => base };
}
