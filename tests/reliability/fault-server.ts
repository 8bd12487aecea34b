/**
 * A receiver on 127.0.0.1 that misbehaves on purpose, chosen by the request path: answers 500,
 * hangs, resets the connection, dribbles its body, answers 429 with Retry-After, 410, or a huge
 * body. It records when each request arrived.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

export type FaultServer = {
  base: string;
  arrivals: Map<string, number[]>;
  count: (path: string) => number;
  close: () => Promise<void>;
};

export const HUGE_BODY_BYTES = 2 * 1024 * 1024;

function handle(req: http.IncomingMessage, res: http.ServerResponse, arrivals: Map<string, number[]>) {
  const path = (req.url ?? "/").split("?")[0];
  const list = arrivals.get(path) ?? [];
  list.push(Date.now());
  arrivals.set(path, list);
  res.on("error", () => undefined);
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
      if (list.length === 1) {
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
  const arrivals = new Map<string, number[]>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on("end", () => handle(req, res, arrivals));
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.on("clientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `${tls ? "https://localhost" : "http://127.0.0.1"}:${port}`,
    arrivals,
    count: (path) => arrivals.get(path)?.length ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
