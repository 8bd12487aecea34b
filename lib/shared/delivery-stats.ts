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

export const RANGE_LABELS: Record<RangeKey, string> = { "1h": "1 h", "24h": "24 h", "7d": "7 d", "30d": "30 d" };

/** A share (0..1) as a percentage with one decimal; "—" without one. */
export const percentText = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)} %`);

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** How long one step of the series is, in words: "5 min", "hour", "6 h", "day". */
export function stepName(stepMs: number): string {
  if (stepMs >= DAY_MS) return "day";
  if (stepMs === HOUR_MS) return "hour";
  return stepMs > HOUR_MS ? `${stepMs / HOUR_MS} h` : `${stepMs / 60_000} min`;
}

/**
 * A step's start in full, in UTC: the date for a day's step, the date and time otherwise. UTC, so
 * the server and every browser print the same (no hydration mismatch, no reader's time zone guessed).
 */
export function stepLabel(at: number, stepMs: number): string {
  const iso = new Date(at).toISOString();
  return stepMs >= DAY_MS ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A time axis tick, short and in UTC: "14:05" within a day's range, "2 Dec 06:00" over 7 d, "2 Dec" over 30 d. */
export function tickLabel(at: number, stepMs: number, range: RangeKey): string {
  const d = new Date(at);
  const time = d.toISOString().slice(11, 16);
  if (range === "1h" || range === "24h") return time;
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return stepMs >= DAY_MS ? day : `${day} ${time}`;
}
