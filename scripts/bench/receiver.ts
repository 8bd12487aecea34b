import http from "node:http";
import type { AddressInfo } from "node:net";

/** A local receiver: answers 200 at once (or never, when black-holed), recording arrival times. */
export async function startReceiver(opts: { blackHole?: (path: string) => boolean } = {}) {
  const arrivals: { path: string; at: number; webhookId?: string }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const at = performance.timeOrigin + performance.now();
      arrivals.push({ path: req.url ?? "", at, webhookId: req.headers["webhook-id"] as string | undefined });
      if (opts.blackHole?.(req.url ?? "")) return; // accept, never answer
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
