import { fork } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Arrival = { path: string; at: number; webhookId?: string };
export type Receiver = { base: string; arrivals: Arrival[]; count: () => number; close: () => Promise<void> };

/** A local receiver: answers 200 at once (or never, when black-holed), recording arrival times. */
export async function startReceiver(opts: { blackHole?: (path: string) => boolean } = {}): Promise<Receiver> {
  const arrivals: Arrival[] = [];
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
    count: () => arrivals.length,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The same receiver in a process of its own, so a busy benchmark process (ingesting events at
 * 1,000/s) does not delay the arrival timestamps. Arrival times are wall-clock milliseconds
 * (`performance.timeOrigin + performance.now()`), comparable across processes on one machine.
 * `arrivals` is filled by `collect()`; `count()` is refreshed every 50 ms.
 */
export async function startReceiverProcess(): Promise<Receiver & { collect: () => Promise<Arrival[]> }> {
  const child = fork(__filename, ["--serve"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let counted = 0;
  const arrivals: Arrival[] = [];
  const waiting: ((a: Arrival[]) => void)[] = [];
  const base = await new Promise<string>((resolve, reject) => {
    child.on("message", (m: { base?: string; count?: number; arrivals?: Arrival[] }) => {
      if (m.base) resolve(m.base);
      if (m.count !== undefined) counted = m.count;
      if (m.arrivals) waiting.shift()?.(m.arrivals);
    });
    child.once("exit", (code) => reject(new Error(`receiver exited (${code})`)));
  });
  return {
    base,
    arrivals,
    count: () => counted,
    async collect() {
      const list = await new Promise<Arrival[]>((r) => {
        waiting.push(r);
        child.send("collect");
      });
      arrivals.splice(0, arrivals.length, ...list);
      return arrivals;
    },
    close: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

if (process.argv.includes("--serve") && process.send) {
  void startReceiver().then((rx) => {
    process.send!({ base: rx.base });
    const ticker = setInterval(() => process.send!({ count: rx.count() }), 50);
    process.on("message", (m) => {
      if (m === "collect") process.send!({ arrivals: rx.arrivals, count: rx.count() });
    });
    process.on("SIGTERM", () => {
      clearInterval(ticker);
      void rx.close().then(() => process.exit(0));
    });
  });
}
