/** A local receiver on 127.0.0.1 that answers 200 at once and counts deliveries by webhook-id. */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type CountingReceiver = {
  url: string;
  /** webhook-id → times received */
  seen: Map<string, number>;
  /** webhook-ids whose repeated delivery carried a different body */
  changedBodies: Set<string>;
  total: () => number;
  close: () => Promise<void>;
};

export async function startCountingReceiver(): Promise<CountingReceiver> {
  const seen = new Map<string, number>();
  const bodies = new Map<string, string>();
  const changedBodies = new Set<string>();
  let total = 0;
  const server = http.createServer((req, res) => {
    const hash = crypto.createHash("sha1");
    req.on("data", (chunk: Buffer) => hash.update(chunk));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"] ?? "");
      const digest = hash.digest("hex");
      if (bodies.has(id) && bodies.get(id) !== digest) changedBodies.add(id);
      bodies.set(id, digest);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      total++;
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    changedBodies,
    total: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
