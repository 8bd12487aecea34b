import http from "node:http";
import type { AddressInfo } from "node:net";
import { dbLabel, type DbKind } from "./harness";
import { throughput, type Row } from "./scenarios";

/**
 * An OTLP/HTTP collector that takes every export (200 at once) and only counts its spans, as a
 * collector on another machine would cost the workers nothing but the export itself.
 */
async function startCountingCollector() {
  let spans = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      spans += body.split('"spanId":').length - 1;
      res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Best = { perSec: number; cpuMs: number };

/**
 * The throughput benchmark with tracing off and on (OTLP to a local collector), alternately
 * `rounds` times each, the best of each kept (other work on the machine only ever slows a run):
 * delivered/s, the worker's CPU per delivery, and how many spans arrived (an event's ingest span,
 * five per attempt; a retry adds five, a full export queue drops some: OTEL_BSP_MAX_QUEUE_SIZE). A figure to read, not a target: on a shared machine the ratio moves with
 * whatever else runs.
 */
export async function tracingCost(
  kind: DbKind,
  opts: { targets: number; events: number; rounds: number },
): Promise<Row[]> {
  const collector = await startCountingCollector();
  const keepBest = (best: Best, run: Awaited<ReturnType<typeof throughput>>) => {
    best.perSec = Math.max(best.perSec, run.perSec);
    best.cpuMs = Math.min(best.cpuMs, run.cpuMsPerDelivery);
  };
  try {
    const off: Best = { perSec: 0, cpuMs: Infinity };
    const on: Best = { perSec: 0, cpuMs: Infinity };
    for (let round = 0; round < opts.rounds; round++) {
      keepBest(off, await throughput(kind, 1, opts));
      keepBest(on, await throughput(kind, 1, { ...opts, otlpEndpoint: collector.url }));
    }
    const total = opts.targets * opts.events;
    const expected = (opts.events + total * 5) * opts.rounds;
    return [
      {
        figure: `Throughput with tracing on (OTLP to a local collector), ${dbLabel(kind)}, 1 worker (${total.toLocaleString("en")} deliveries, ${opts.targets} targets; best of ${opts.rounds} runs each)`,
        value: `${on.perSec.toFixed(0)} deliveries/s on vs ${off.perSec.toFixed(0)}/s off (${(on.perSec / off.perSec).toFixed(2)}×); worker CPU ${on.cpuMs.toFixed(2)} ms per delivery on vs ${off.cpuMs.toFixed(2)} off (${(on.cpuMs / off.cpuMs).toFixed(2)}×); ${collector.spans().toLocaleString("en")} spans exported (${expected.toLocaleString("en")} without retries or drops: one per event, five per attempt)`,
        baseline: `${off.perSec.toFixed(0)} deliveries/s, tracing off`,
        target: "",
        pass: null,
      },
    ];
  } finally {
    await collector.close();
  }
}
