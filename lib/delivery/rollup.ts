import { rawQuery, type RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import type { TaskOutcome } from "@/lib/delivery/outcome";
import { RANGES, type DeliveryStats, type RangeKey, type SeriesPoint } from "@/lib/shared/delivery-stats";

/**
 * Delivery rollups: counts per (target, minute or hour, outcome) kept by the recorder in the
 * transaction that writes the results, so charts read a few rows whatever the history's size,
 * and the counts outlive the retention purge (they are not tied to executions).
 */
export type RollupOutcome = "success" | "error" | "retrying";

/** Upper bounds (ms) of the latency histogram columns; an answer slower than the last is counted in gt30000. */
export const LATENCY_BOUNDS = [100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;
const BIN_COLUMNS = [...LATENCY_BOUNDS.map((b) => `le${b}`), "gt30000"];

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function rollupOutcome(o: TaskOutcome): RollupOutcome | null {
  if (o.kind === "success") return "success";
  if (o.kind === "failed") return "error";
  if (o.kind === "retry") return "retrying";
  return null;
}

type Cell = {
  targetId: number;
  grain: "m" | "h" | "d";
  bucket: number;
  outcome: RollupOutcome;
  deliveries: number;
  attempts: number;
  latencyMs: number;
  bins: number[];
};

/** Index of the histogram column a latency falls in. */
export function binOf(latencyMs: number): number {
  const i = LATENCY_BOUNDS.findIndex((b) => latencyMs <= b);
  return i < 0 ? LATENCY_BOUNDS.length : i;
}

/** The batch folded into one cell per (target, grain, bucket, outcome): a batch of one target and minute is two rows. */
export function rollupCells(outcomes: TaskOutcome[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const o of outcomes) {
    const outcome = rollupOutcome(o);
    if (!outcome || o.kind === "postponed") continue;
    const at = (o.kind === "retry" ? o.attempt.startedAt : o.endTime).getTime();
    const latency = Math.max(0, Math.round(o.latencyMs ?? o.attempt?.durationMs ?? 0));
    for (const [grain, size] of [
      ["m", MINUTE],
      ["h", HOUR],
      ["d", DAY],
    ] as const) {
      const bucket = at - (at % size);
      const key = `${o.targetId}|${grain}|${bucket}|${outcome}`;
      let cell = cells.get(key);
      if (!cell) {
        cell = {
          targetId: o.targetId,
          grain,
          bucket,
          outcome,
          deliveries: 0,
          attempts: 0,
          latencyMs: 0,
          bins: BIN_COLUMNS.map(() => 0),
        };
        cells.set(key, cell);
      }
      cell.deliveries++;
      cell.attempts += o.runCount;
      cell.latencyMs += latency;
      cell.bins[binOf(latency)]!++;
    }
  }
  return [...cells.values()];
}

/** One upsert for the whole batch (both databases take ON CONFLICT ... DO UPDATE). */
export async function upsertRollups(tx: RawRunner, outcomes: TaskOutcome[]) {
  const cells = rollupCells(outcomes);
  if (cells.length === 0) return;
  const cols = Prisma.raw(BIN_COLUMNS.map((c) => `"${c}"`).join(", "));
  const adds = Prisma.raw(
    ["deliveries", "attempts", "latencyMs", ...BIN_COLUMNS]
      .map((c) => `"${c}" = "DeliveryRollup"."${c}" + excluded."${c}"`)
      .join(", "),
  );
  const rows = cells.map(
    (c) =>
      Prisma.sql`(${c.targetId}, (SELECT "policyId" FROM "WebhookTarget" WHERE "id" = ${c.targetId}), ${c.grain}, ${c.bucket}, ${c.outcome}, ${c.deliveries}, ${c.attempts}, ${c.latencyMs}, ${Prisma.join(c.bins)})`,
  );
  await tx.execute(
    Prisma.sql`INSERT INTO "DeliveryRollup" ("targetId", "policyId", "grain", "bucket", "outcome", "deliveries", "attempts", "latencyMs", ${cols})
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("targetId", "grain", "bucket", "outcome") DO UPDATE SET ${adds}`,
  );
}

export { RANGES, isRange, type RangeKey, type SeriesPoint, type DeliveryStats } from "@/lib/shared/delivery-stats";

type RollupRow = {
  targetId: unknown;
  policyId: unknown;
  bucket: unknown;
  outcome: string;
  deliveries: unknown;
  attempts: unknown;
} & Record<string, unknown>;

/**
 * A range's chart data from rollups: minute buckets for 1 h, hour buckets beyond (24 h: 24 points,
 * 7 d: 168, 30 d: 720 hourly cells folded into days). `policyId` narrows to one webhook, `projectId`
 * to a project's own webhooks (as its webhooks tab lists them: neither instance-wide webhooks nor
 * destinations; a deleted webhook's rollups stay in the instance's figures only).
 */
export async function deliveryStats(
  range: RangeKey,
  opts: { policyId?: number; projectId?: number; now?: Date } = {},
): Promise<DeliveryStats> {
  const now = (opts.now ?? new Date()).getTime();
  const span = RANGES[range];
  // The coarsest grain that still fills each step: minutes for 1 h, hours for 24 h and 7 d, days for 30 d.
  const grain = range === "1h" ? "m" : range === "30d" ? "d" : "h";
  const grainMs = grain === "m" ? MINUTE : grain === "h" ? HOUR : DAY;
  const stepMs = range === "1h" ? 5 * MINUTE : range === "24h" ? HOUR : range === "7d" ? 6 * HOUR : 24 * HOUR;
  const to = now - (now % grainMs) + grainMs;
  const from = to - span;
  const filters = [
    ...(opts.policyId !== undefined ? [Prisma.sql`"policyId" = ${opts.policyId}`] : []),
    ...(opts.projectId !== undefined
      ? [
          Prisma.sql`"policyId" IN (SELECT "id" FROM "WebhookPolicy" WHERE "projectId" = ${opts.projectId} AND "kind" = 'policy')`,
        ]
      : []),
  ];
  const where = filters.length ? Prisma.sql`AND ${Prisma.join(filters, " AND ")}` : Prisma.empty;
  const sums = Prisma.raw(BIN_COLUMNS.map((c) => `SUM("${c}") AS "${c}"`).join(", "));
  const range_ = Prisma.sql`FROM "DeliveryRollup" WHERE "grain" = ${grain} AND "bucket" >= ${from} AND "bucket" < ${to} ${where}`;
  // Two aggregates in the database, so a 30-day range returns a few hundred rows, not every cell:
  // the series by step and outcome, and the totals by target and outcome.
  const [steps, byTarget] = await Promise.all([
    rawQuery<{ at: unknown; outcome: string; deliveries: unknown }>(
      Prisma.sql`SELECT "bucket" - ("bucket" % ${stepMs}) AS "at", "outcome", SUM("deliveries") AS "deliveries" ${range_} GROUP BY 1, 2`,
    ),
    rawQuery<RollupRow>(
      Prisma.sql`SELECT "targetId", "policyId", "outcome", SUM("deliveries") AS "deliveries", SUM("attempts") AS "attempts", ${sums} ${range_} GROUP BY "targetId", "policyId", "outcome"`,
    ),
  ]);

  const points = new Map<number, SeriesPoint>();
  for (let at = from - (from % stepMs); at < to; at += stepMs)
    points.set(at, { at, success: 0, error: 0, retrying: 0 });
  for (const r of steps) {
    const point = points.get(Number(r.at));
    if (point) point[r.outcome as RollupOutcome] += Number(r.deliveries);
  }
  const totals = { success: 0, error: 0, retrying: 0 };
  const bins = BIN_COLUMNS.map(() => 0);
  let finishedAttempts = 0;
  const perTarget = new Map<number, { policyId: number; errors: number; deliveries: number }>();
  for (const r of byTarget) {
    const n = Number(r.deliveries);
    const outcome = r.outcome as RollupOutcome;
    totals[outcome] += n;
    BIN_COLUMNS.forEach((c, i) => (bins[i]! += Number(r[c] ?? 0)));
    if (outcome !== "retrying") {
      finishedAttempts += Number(r.attempts);
      const t = perTarget.get(Number(r.targetId)) ?? { policyId: Number(r.policyId), errors: 0, deliveries: 0 };
      t.deliveries += n;
      if (outcome === "error") t.errors += n;
      perTarget.set(Number(r.targetId), t);
    }
  }
  const finished = totals.success + totals.error;
  const worst = [...perTarget.entries()]
    .filter(([, t]) => t.errors > 0)
    .sort((a, b) => b[1].errors / b[1].deliveries - a[1].errors / a[1].deliveries || b[1].errors - a[1].errors)
    .slice(0, 5);
  return {
    range,
    from,
    to,
    stepMs,
    series: [...points.values()].filter((p) => p.at + stepMs > from),
    totals,
    successRate: finished ? totals.success / finished : null,
    p50Ms: percentile(bins, 0.5),
    p95Ms: percentile(bins, 0.95),
    attemptsPerDelivery: finished ? finishedAttempts / finished : null,
    worstTargets: await describeTargets(worst),
  };
}

/** The upper bound of the histogram column holding the q-th answer (null with no answers; the slowest column reads as > 30 s). */
export function percentile(bins: number[], q: number): number | null {
  const total = bins.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [i, n] of bins.entries()) {
    seen += n;
    if (seen >= q * total) return LATENCY_BOUNDS[i] ?? Infinity;
  }
  return Infinity;
}

async function describeTargets(worst: Array<[number, { policyId: number; errors: number; deliveries: number }]>) {
  if (worst.length === 0) return [];
  const ids = worst.map(([id]) => id);
  const targets = await rawQuery<{
    id: unknown;
    address: string;
    status: string;
    pausedReason: string | null;
    lastFailureReason: string | null;
  }>(
    Prisma.sql`SELECT "id", "address", "status", "pausedReason", "lastFailureReason" FROM "WebhookTarget" WHERE "id" IN (${Prisma.join(ids)})`,
  );
  const byId = new Map(targets.map((t) => [Number(t.id), t]));
  return worst.map(([targetId, t]) => {
    const target = byId.get(targetId);
    return {
      targetId,
      policyId: t.policyId,
      address: target?.address ?? "(deleted target)",
      errors: t.errors,
      deliveries: t.deliveries,
      status: target?.status ?? "deleted",
      pausedReason: target?.pausedReason ?? null,
      lastError: target?.lastFailureReason ?? null,
    };
  });
}
