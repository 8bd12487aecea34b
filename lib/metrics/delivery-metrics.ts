import client from "prom-client";

/** Counters and histograms of the process that delivers (the worker). */
export const deliveryRegistry = new client.Registry();
client.collectDefaultMetrics({ register: deliveryRegistry, prefix: "harbor_worker_" });

export const attemptsTotal = new client.Counter({
  name: "harbor_delivery_attempts_total",
  help: "Delivery attempts by outcome (success, retry, error, gone)",
  labelNames: ["outcome", "vendor"] as const,
  registers: [deliveryRegistry],
});

export const attemptDuration = new client.Histogram({
  name: "harbor_delivery_attempt_duration_seconds",
  help: "Duration of one delivery request",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [deliveryRegistry],
});

export const deliveryLatency = new client.Histogram({
  name: "harbor_delivery_latency_seconds",
  help: "Time from an event being accepted to its first delivery attempt starting",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [deliveryRegistry],
});

export const inFlight = new client.Gauge({
  name: "harbor_worker_in_flight",
  help: "Deliveries in flight in this worker",
  registers: [deliveryRegistry],
});

export const claimsTotal = new client.Counter({
  name: "harbor_worker_claims_total",
  help: "Claim statements run, by whether they found due tasks",
  labelNames: ["found"] as const,
  registers: [deliveryRegistry],
});
