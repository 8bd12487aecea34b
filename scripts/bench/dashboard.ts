// The delivery dashboard's figures (lib/delivery/rollup.ts deliveryStats) over the rollups of a
// 1,000,000-delivery history: 50 targets, 30 days, each delivery counted in its hour bucket (what
// the 24 h and 7 d ranges read), its day bucket (30 d) and, for the last two days, in its minute bucket (the 1 h
// range reads minutes; older minute rows only lengthen the index, which the range scan skips).
// The dashboard never reads tasks or attempts, so none are seeded.
import { rawExecute } from "../../lib/db/raw";
import { Prisma } from "../../lib/db/sql";
import { deliveryStats, RANGES, type RangeKey } from "../../lib/delivery/rollup";
import { dbLabel, freshDatabase, nowMs, percentile, type DbKind } from "./harness";
import { setupTargets, type Row } from "./scenarios";
import { getDb } from "../../lib/db/client";

const HOUR = 3_600_000;
const MINUTE = 60_000;

type Cell = [targetId: number, policyId: number, grain: string, bucket: number, outcome: string, n: number];

async function insertCells(cells: Cell[]) {
  for (let i = 0; i < cells.length; i += 1_000) {
    const rows = cells.slice(i, i + 1_000).map(
      ([t, p, g, b, o, n]) =>
        // Latencies spread over the histogram: most fast, a tail slow.
        Prisma.sql`(${t}, ${p}, ${g}, ${b}, ${o}, ${n}, ${o === "success" ? n : n * 3}, ${n * 180}, ${Math.ceil(n * 0.6)}, ${Math.floor(n * 0.3)}, ${Math.floor(n * 0.1)})`,
    );
    await rawExecute(
      Prisma.sql`INSERT INTO "DeliveryRollup" ("targetId", "policyId", "grain", "bucket", "outcome", "deliveries", "attempts", "latencyMs", "le100", "le250", "le2500") VALUES ${Prisma.join(rows)}`,
    );
  }
}

export async function dashboard(kind: DbKind, opts: { total: number; requests: number }): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  try {
    const targetsN = 50;
    const project = await setupTargets(targetsN, "http://127.0.0.1:9");
    const db = await getDb();
    const targets = await db.webhookTarget.findMany({
      where: { policy: { projectId: project.id } },
      select: { id: true, policyId: true },
    });
    const now = Date.now();
    const hours = 30 * 24;
    // Per target and hour: deliveries, 2 % errors, 5 % retried.
    const perCell = Math.max(1, Math.round(opts.total / (targetsN * hours)));
    const seedStart = nowMs();
    const cells: Cell[] = [];
    const seeded = { deliveries: 0, rows: 0 };
    const days = new Map<string, number>();
    for (const t of targets) {
      for (let h = 0; h < hours; h++) {
        const bucket = now - (now % HOUR) - h * HOUR;
        const errors = Math.round(perCell * 0.02);
        const split: [string, number][] = [
          ["success", perCell - errors],
          ["error", errors],
          ["retrying", Math.round(perCell * 0.05)],
        ];
        for (const [o, n] of split) if (n > 0) cells.push([t.id, t.policyId, "h", bucket, o, n]);
        for (const [o, n] of split) {
          const key = `${t.id}|${bucket - (bucket % 86_400_000)}|${o}`;
          days.set(key, (days.get(key) ?? 0) + n);
        }
        seeded.deliveries += perCell;
        if (h < 48) {
          // The same hour's deliveries, spread over its minutes.
          for (let m = 0; m < 60; m++) {
            const share = Math.floor(perCell / 60) + (m < perCell % 60 ? 1 : 0);
            if (share > 0) cells.push([t.id, t.policyId, "m", bucket + m * MINUTE, "success", share]);
          }
        }
      }
    }
    const policyOf = new Map(targets.map((t) => [t.id, t.policyId]));
    for (const [key, n] of days) {
      const [t, day, o] = key.split("|");
      cells.push([Number(t), policyOf.get(Number(t))!, "d", Number(day), o!, n]);
    }
    await insertCells(cells);
    seeded.rows = cells.length;
    const seedMs = nowMs() - seedStart;

    const rows: Row[] = [];
    for (const range of Object.keys(RANGES) as RangeKey[]) {
      const times: number[] = [];
      for (let i = 0; i < opts.requests; i++) {
        const t = nowMs();
        await deliveryStats(range);
        times.push(nowMs() - t);
      }
      const p95 = percentile(times, 95);
      rows.push({
        figure: `Delivery dashboard, ${dbLabel(kind)}, ${range} (${seeded.deliveries.toLocaleString("en-US")} deliveries in ${seeded.rows.toLocaleString("en-US")} rollup rows, seeded in ${(seedMs / 1000).toFixed(0)} s): p95 of ${opts.requests} reads`,
        value: `${p95.toFixed(1)} ms (p50 ${percentile(times, 50).toFixed(1)} ms)`,
        baseline: "",
        target: "≤ 100 ms",
        pass: p95 <= 100,
      });
    }
    return rows;
  } finally {
    await cleanup();
  }
}
