import { afterAll, afterEach, beforeAll } from "vitest";
import { closeDeliveryAgents } from "@/lib/delivery/http-sender";
import { DeliveryWorker, type WorkerOptions } from "@/lib/delivery/worker";
import { startAlertSender, type AlertSender } from "@/lib/alerts/sender";
import { useOwnDatabase } from "./own-database";
import { startServer, type LocalServer } from "./receiver";

/**
 * A database of the file's own and a running delivery worker with retries scaled down to
 * milliseconds, for the file's tests; `receiver` starts a local HTTP server that is closed after
 * each test. `options` change the worker's own (auto-pause, the alert digest interval); the
 * operator alerts' sender runs beside it as in a worker process, every `alertEveryMs`.
 */
export function useDeliveryWorker(name: string, options: Partial<WorkerOptions> & { alertEveryMs?: number } = {}) {
  let worker: DeliveryWorker | undefined;
  let alerts: AlertSender | undefined;
  let dispose: (() => Promise<void>) | undefined;
  const servers: LocalServer[] = [];
  beforeAll(async () => {
    ({ dispose } = await useOwnDatabase(name));
    const { alertEveryMs, ...workerOptions } = options;
    worker = new DeliveryWorker({ pollMs: 50, backoffScale: 0.005, leaseMs: 2_000, ...workerOptions });
    await worker.start();
    alerts = startAlertSender({ owner: worker.owner, everyMs: alertEveryMs });
  }, 60_000);
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await alerts?.stop();
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
