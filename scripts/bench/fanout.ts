import { getDb } from "../../lib/db/client";
import { ingestEvent } from "../../lib/events/ingest";
import { sampleEvent } from "../../lib/events/samples";
import { buildDefaultPayload } from "../../lib/formats";
import { dbLabel, freshDatabase, nowMs, sleep, startWorkers, stopAllWorkers, waitFor, type DbKind } from "./harness";
import { startReceiver } from "./receiver";
import { rawPosts, setupTargets, type Row } from "./scenarios";

/**
 * One event to `policies` policies (one target each, distinct URLs on the local receiver): from
 * ingestEvent being called (the event and its deliveries committed inside) until every delivery
 * arrived, and until every success is recorded; vs the same number of raw POSTs.
 */
export async function fanout(kind: DbKind, policies: number): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  const rx = await startReceiver();
  try {
    const project = await setupTargets(policies, rx.base, "f");
    const [worker] = await startWorkers(1);
    await sleep(500);
    const event = sampleEvent("PUSH_ARTIFACT");
    const t0 = nowMs();
    const r = await ingestEvent({ projectId: project.id, event, source: "api" });
    const acceptedMs = nowMs() - t0;
    if (r.status !== "accepted" || r.deliveries !== policies)
      throw new Error(`fan-out queued ${r.status === "accepted" ? r.deliveries : 0} deliveries, expected ${policies}`);
    await waitFor(async () => rx.arrivals.length >= policies, 120_000, 5);
    const deliveredMs = Math.max(...rx.arrivals.map((a) => a.at)) - t0;
    const db = await getDb();
    await waitFor(async () => (await db.task.count({ where: { status: "Success" } })) >= policies, 120_000, 10);
    const recordedMs = nowMs() - t0;
    await worker.stop();

    const body = buildDefaultPayload(event).body;
    const rawMs = await rawPosts(
      Array.from({ length: policies }, (_, i) => `${rx.base}/f${i}`),
      body,
      64,
    );
    const ratio = deliveredMs / rawMs;
    return [
      {
        figure: `Fan-out, ${dbLabel(kind)}: one event to ${policies.toLocaleString("en")} policies (accepted in ${acceptedMs.toFixed(0)} ms; all recorded after ${recordedMs.toFixed(0)} ms)`,
        value: `all delivered ${deliveredMs.toFixed(0)} ms after ingestEvent was called (${ratio.toFixed(1)}× raw)`,
        baseline: `${rawMs.toFixed(0)} ms for ${policies.toLocaleString("en")} raw POSTs`,
        target: "≤ 2× raw",
        pass: ratio <= 2,
      },
    ];
  } finally {
    await stopAllWorkers();
    await rx.close();
    await cleanup();
  }
}
