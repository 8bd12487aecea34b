import { Agent, request, type Dispatcher } from "undici";
import { nowMs, percentile } from "./harness";

export type LoadResult = {
  requests: number;
  /** requests answered with `okStatus` */
  ok: number;
  perSec: number;
  statuses: Record<number, number>;
  errors: number;
  p50: number;
  p99: number;
};

/**
 * A bounded load generator: `concurrency` loops send the same request back to back, on
 * keep-alive connections, for `durationMs` (loopback only; the count is bounded by the time).
 */
export async function loadFor(opts: {
  url: string;
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  /** the same body every time, or a new one per request (bodies that must differ, e.g. event ids) */
  body?: string | (() => string);
  concurrency: number;
  durationMs: number;
  okStatus: number;
}): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(opts.url))
    throw new Error(`refusing a load test against ${opts.url}: loopback only`);
  const agent = new Agent({ connections: opts.concurrency, keepAliveTimeout: 60_000, pipelining: 1 });
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  const t0 = nowMs();
  const end = t0 + opts.durationMs;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (nowMs() < end) {
        const started = nowMs();
        try {
          const res = await request(opts.url, {
            method: opts.method ?? "POST",
            headers: opts.headers,
            body: typeof opts.body === "function" ? opts.body() : opts.body,
            dispatcher: agent,
          });
          await res.body.text();
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          latencies.push(nowMs() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  const ms = nowMs() - t0;
  await agent.close();
  const ok = statuses[opts.okStatus] ?? 0;
  return {
    requests: latencies.length + errors,
    ok,
    perSec: (ok / ms) * 1000,
    statuses,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Sequential requests, one at a time: the server's response time without queueing. */
export async function timeSequential(
  url: string,
  headers: Record<string, string>,
  count: number,
  expectStatus = 200,
): Promise<number[]> {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = nowMs();
      const res = await request(url, { method: "GET", headers, dispatcher: agent });
      const text = await res.body.text();
      times.push(nowMs() - started);
      if (res.statusCode !== expectStatus)
        throw new Error(`GET ${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    }
  } finally {
    await agent.close();
  }
  return times;
}
