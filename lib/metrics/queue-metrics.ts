import client from "prom-client";
import { getDb } from "@/lib/db/client";
import { getSettings } from "@/lib/settings/settings";
import { readRegistryFeed, REGISTRY_OUTCOMES } from "@/lib/settings/registry-feed";

/**
 * The web process's /metrics: queue gauges read from the database at scrape time (so they are
 * right whichever worker did the work), and attempts by outcome over the last five minutes.
 * Workers export their own counters and histograms on WORKER_METRICS_PORT.
 */
const g = globalThis as unknown as { harborWebRegistry?: client.Registry };

function build(): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "harbor_web_" });
  new client.Gauge({
    name: "harbor_queue_depth",
    help: "Tasks waiting to be delivered (Pending), including retries scheduled for later",
    registers: [registry],
    async collect() {
      const db = await getDb();
      this.set(await db.queueItem.count({ where: { leaseOwner: null } }));
    },
  });
  new client.Gauge({
    name: "harbor_queue_due",
    help: "Pending tasks whose time has come",
    registers: [registry],
    async collect() {
      const db = await getDb();
      this.set(await db.queueItem.count({ where: { leaseOwner: null, dueAt: { lte: Date.now() } } }));
    },
  });
  new client.Gauge({
    name: "harbor_queue_oldest_due_age_seconds",
    help: "Age of the oldest task that is due and not yet delivered",
    registers: [registry],
    async collect() {
      const db = await getDb();
      const q = await db.queueItem.findFirst({
        where: { leaseOwner: null, dueAt: { lte: Date.now() } },
        orderBy: { dueAt: "asc" },
        select: { dueAt: true },
      });
      this.set(q ? (Date.now() - Number(q.dueAt)) / 1000 : 0);
    },
  });
  new client.Gauge({
    name: "harbor_tasks_running",
    help: "Tasks leased to a worker right now",
    registers: [registry],
    async collect() {
      const db = await getDb();
      this.set(await db.queueItem.count({ where: { leaseOwner: { not: null } } }));
    },
  });
  new client.Gauge({
    name: "harbor_recent_attempts",
    help: "Delivery attempts in the last five minutes by outcome (success: 2xx)",
    labelNames: ["outcome"] as const,
    registers: [registry],
    async collect() {
      const db = await getDb();
      const since = new Date(Date.now() - 5 * 60_000);
      const [ok, total] = await Promise.all([
        db.attempt.count({ where: { startedAt: { gte: since }, responseStatus: { gte: 200, lt: 300 } } }),
        db.attempt.count({ where: { startedAt: { gte: since } } }),
      ]);
      this.set({ outcome: "success" }, ok);
      this.set({ outcome: "failure" }, total - ok);
    },
  });
  new client.Gauge({
    name: "harbor_events_skipped_total",
    help: "Events dropped while webhooks were globally disabled",
    registers: [registry],
    async collect() {
      this.set((await getSettings()).skippedEvents);
    },
  });
  new client.Gauge({
    name: "harbor_targets_paused",
    help: "Targets paused (410 Gone, automatic pause or by hand)",
    registers: [registry],
    async collect() {
      const db = await getDb();
      this.set(await db.webhookTarget.count({ where: { status: "paused" } }));
    },
  });
  // The instance's totals, kept in the database (every web process reports the same figures, so
  // sum() over processes overcounts: use max() or one process's series). Monotonic while the
  // database lives, hence a counter: rate() works.
  new client.Counter({
    name: "harbor_registry_notifications_total",
    help: "Registry notifications (POST /service/notifications) by outcome: events accepted, duplicate or ignored; requests rejected",
    labelNames: ["outcome"] as const,
    registers: [registry],
    async collect() {
      const feed = await readRegistryFeed();
      this.reset();
      for (const outcome of REGISTRY_OUTCOMES) this.inc({ outcome }, feed.counts[outcome]);
    },
  });
  return registry;
}

export function webRegistry(): client.Registry {
  g.harborWebRegistry ??= build();
  return g.harborWebRegistry;
}
