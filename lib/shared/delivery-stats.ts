/** The delivery figures the charts show (lib/delivery/rollup.ts computes them from the rollups). */
export const RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES;
export const isRange = (v: unknown): v is RangeKey => typeof v === "string" && v in RANGES;

export type SeriesPoint = { at: number; success: number; error: number; retrying: number };
export type DeliveryStats = {
  range: RangeKey;
  from: number;
  to: number;
  stepMs: number;
  series: SeriesPoint[];
  totals: { success: number; error: number; retrying: number };
  /** Finished deliveries that succeeded, 0..1; null with none finished. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Attempts per finished delivery. */
  attemptsPerDelivery: number | null;
  worstTargets: Array<{
    targetId: number;
    policyId: number;
    address: string;
    errors: number;
    deliveries: number;
    status: string;
    pausedReason: string | null;
    lastError: string | null;
  }>;
};
