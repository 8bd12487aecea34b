/**
 * A receiver on 127.0.0.1 that misbehaves on purpose, chosen by the request path: answers 500,
 * hangs, resets the connection, dribbles its body, answers 429 with Retry-After, 410, or a huge
 * body. It is the shared local receiver (tests/helpers/receiver.ts) with this handler.
 */
import type http from "node:http";
import type { Socket } from "node:net";
import { startServer } from "../helpers/receiver";

export type FaultServer = {
  base: string;
  /** requests that arrived on `path` (query ignored) */
  count: (path: string) => number;
  close: () => Promise<void>;
};

export const HUGE_BODY_BYTES = 2 * 1024 * 1024;

const pathOf = (url: string | undefined) => (url ?? "/").split("?")[0];

/** `arrived`: how many requests reached this path so far, this one included. */
function handle(req: http.IncomingMessage, res: http.ServerResponse, arrived: number) {
  const path = pathOf(req.url);
  const kind = path.split("/")[1] ?? "";
  switch (kind) {
    case "ok":
      return res.end("ok");
    case "status-500":
      res.statusCode = 500;
      return res.end("boom");
    case "hang":
    case "blackhole":
      return; // never answer
    case "reset":
      return (req.socket as Socket & { resetAndDestroy(): void }).resetAndDestroy();
    case "slow-body": {
      res.writeHead(200, { "Content-Type": "text/plain" });
      let n = 0;
      const timer = setInterval(() => {
        if (res.destroyed || ++n > 50) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write("x");
      }, 100);
      return;
    }
    case "retry-after":
      if (arrived === 1) {
        res.statusCode = 429;
        res.setHeader("Retry-After", "1");
      }
      return res.end();
    case "gone":
      res.statusCode = 410;
      return res.end("gone");
    case "huge-body":
      res.writeHead(200, { "Content-Type": "text/plain" });
      return res.end(Buffer.alloc(HUGE_BODY_BYTES, "a"));
    default:
      res.statusCode = 404;
      return res.end();
  }
}

export async function startFaultServer(tls?: { key: string; cert: string }): Promise<FaultServer> {
  const arrivals = new Map<string, number>();
  const server = await startServer(
    (req, res) => {
      const path = pathOf(req.url);
      arrivals.set(path, (arrivals.get(path) ?? 0) + 1);
      handle(req, res, arrivals.get(path)!);
    },
    tls ? { tls } : {},
  );
  return {
    base: `${tls ? "https://localhost" : "http://127.0.0.1"}:${server.port}`,
    count: (path) => arrivals.get(path) ?? 0,
    close: server.close,
  };
}
