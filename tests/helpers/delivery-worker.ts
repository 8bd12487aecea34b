import { afterAll, afterEach, beforeAll } from "vitest";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { DeliveryWorker, type WorkerOptions } from "@/lib/delivery/worker";
import { useOwnDatabase } from "./own-database";
import { startServer, type LocalServer } from "./receiver";

/**
 * A database of the file's own and a running delivery worker with retries scaled down to
 * milliseconds, for the file's tests; `receiver` starts a local HTTP server that is closed after
 * each test. `options` change the worker's own (auto-pause, alert timings).
 */
export function useDeliveryWorker(name: string, options: Partial<WorkerOptions> = {}) {
  let worker: DeliveryWorker | undefined;
  let dispose: (() => Promise<void>) | undefined;
  const servers: LocalServer[] = [];
  beforeAll(async () => {
    ({ dispose } = await useOwnDatabase(name));
    worker = new DeliveryWorker({ pollMs: 50, backoffScale: 0.005, leaseMs: 2_000, ...options });
    await worker.start();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await worker?.stop();
    await closeDeliveryAgents();
    await dispose?.();
  });
  return {
    async receiver(handler: Parameters<typeof startServer>[0]) {
      const s = await startServer(handler);
      servers.push(s);
      return s;
    },
  };
}
