import http from "node:http";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { serveHealth } from "./health";

export type WebServerLimits = { HTTP_HEADERS_TIMEOUT_MS: number; HTTP_REQUEST_TIMEOUT_MS: number };

/** A handler the server tries before `handler`: true when it took the request. */
export type LeanHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * The HTTP server in front of Next.js's request handler (scripts/web-server.ts):
 * - a client that sends its headers or its body slowly is cut off (408) after the configured
 *   timeouts, checked every second, so slow requests cannot hold connections and memory;
 * - every request carries the connection's address in PEER_ADDRESS_HEADER, replacing whatever a
 *   client sent under that name (lib/auth/client-address.ts believes no other source);
 * - GET /healthz and /readyz are answered here (lib/process/health.ts) and never reach `handler`;
 * - `lean` handlers (the ingest endpoints, lib/events/ingest-http.ts) take their requests before
 *   `handler`, without the framework's per-request cost.
 */
export function createWebServer(
  handler: http.RequestListener,
  limits: WebServerLimits,
  lean: LeanHandler[] = [],
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: limits.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      if (serveHealth(req, res)) return;
      req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
      for (const take of lean) if (take(req, res)) return;
      return handler(req, res);
    },
  );
  // Idle keep-alive connections go sooner than requests may take; the headers timeout stays above it, as Node requires.
  server.keepAliveTimeout = Math.min(5_000, limits.HTTP_HEADERS_TIMEOUT_MS - 1);
  return server;
}
