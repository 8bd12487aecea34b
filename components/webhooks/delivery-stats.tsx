import Link from "next/link";
import { Card, Table, Td } from "@/components/ui";
import type { DeliveryStats } from "@/lib/shared/delivery-stats";

const RANGE_LABELS = { "1h": "1 h", "24h": "24 h", "7d": "7 d", "30d": "30 d" } as const;

const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);
const latency = (v: number | null) =>
  v === null ? "—" : v === Infinity ? "> 30 s" : `≤ ${v < 1000 ? `${v} ms` : `${v / 1000} s`}`;

function bucketLabel(at: number, stepMs: number) {
  const d = new Date(at);
  const iso = d.toISOString();
  return stepMs >= 86_400_000 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Deliveries over a range, read from the rollups: the figures as text, the series as a table
 * (readable without a chart, and by screen readers), the targets failing most with their reason.
 */
export function DeliveryStatsPanel({ stats, hrefFor }: { stats: DeliveryStats; hrefFor: (range: string) => string }) {
  const { totals } = stats;
  const finished = totals.success + totals.error;
  const summary =
    finished + totals.retrying === 0
      ? `No deliveries in the last ${RANGE_LABELS[stats.range]}.`
      : `In the last ${RANGE_LABELS[stats.range]}: ${totals.success} succeeded, ${totals.error} failed, ${totals.retrying} attempts were retried; success rate ${percent(stats.successRate)}, p50 latency ${latency(stats.p50Ms)}, p95 ${latency(stats.p95Ms)}.`;
  return (
    <Card title="Deliveries">
      <section aria-label="Delivery statistics" data-testid="delivery-stats" className="space-y-4">
        <nav aria-label="Range" className="flex gap-2 text-sm">
          {Object.entries(RANGE_LABELS).map(([key, label]) => (
            <Link
              key={key}
              href={hrefFor(key)}
              aria-current={key === stats.range ? "page" : undefined}
              className={
                key === stats.range
                  ? "rounded bg-sky-700 px-2 py-0.5 font-medium text-white"
                  : "rounded px-2 py-0.5 text-sky-800 hover:underline"
              }
            >
              {label}
            </Link>
          ))}
        </nav>
        <p className="text-sm text-slate-700" data-testid="delivery-summary">
          {summary}
        </p>
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
          {[
            ["Success rate", percent(stats.successRate)],
            ["p50 latency", latency(stats.p50Ms)],
            ["p95 latency", latency(stats.p95Ms)],
            ["Attempts per delivery", stats.attemptsPerDelivery === null ? "—" : stats.attemptsPerDelivery.toFixed(2)],
          ].map(([label, value]) => (
            <div key={label} className="rounded border border-slate-200 p-2">
              <dt className="text-slate-600">{label}</dt>
              <dd className="text-lg font-semibold text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
        {stats.worstTargets.length > 0 && (
          <div>
            <h3 className="mb-1 text-sm font-semibold text-slate-900">Targets failing most</h3>
            <ul className="space-y-1 text-sm" data-testid="worst-targets">
              {stats.worstTargets.map((t) => (
                <li key={t.targetId} className="break-words text-slate-800">
                  <span className="font-mono">{t.address}</span>: {t.errors} of {t.deliveries} failed
                  {t.status === "paused" ? ` (paused: ${t.pausedReason ?? "on hold"})` : ""}
                  {t.lastError ? ` — ${t.lastError}` : ""}
                </li>
              ))}
            </ul>
          </div>
        )}
        {finished + totals.retrying > 0 && (
          <details>
            <summary className="cursor-pointer text-sm text-sky-800">Deliveries over time (table)</summary>
            <Table head={["From", "Succeeded", "Failed", "Retried"]} caption="Deliveries over time by outcome">
              {stats.series
                .filter((p) => p.success + p.error + p.retrying > 0)
                .map((p) => (
                  <tr key={p.at}>
                    <Td>{bucketLabel(p.at, stats.stepMs)}</Td>
                    <Td>{p.success}</Td>
                    <Td>{p.error}</Td>
                    <Td>{p.retrying}</Td>
                  </tr>
                ))}
            </Table>
          </details>
        )}
      </section>
    </Card>
  );
}
