import Link from "next/link";
import { Card, EmptyState, Table, Td } from "@/components/ui";
import { DeliveryCharts } from "@/components/webhooks/delivery-chart";
import { percentText, RANGE_LABELS, stepLabel, type DeliveryStats, type RangeKey } from "@/lib/shared/delivery-stats";

const latency = (v: number | null) =>
  v === null ? "—" : v === Infinity ? "> 30 s" : `≤ ${v < 1000 ? `${v} ms` : `${v / 1000} s`}`;

/**
 * Deliveries over a range, read from the rollups: a summary and the figures as text, the series
 * charted and as a table (readable without the charts, and by screen readers), the targets failing
 * most with their reason. A range without deliveries says so instead of drawing empty charts.
 * `hrefFor` gives a range's link, keeping the page's other query parameters.
 */
export function DeliveryStatsPanel({
  stats,
  hrefFor,
  title = "Deliveries",
}: {
  stats: DeliveryStats;
  hrefFor: (range: RangeKey) => string;
  title?: string;
}) {
  const { totals } = stats;
  const finished = totals.success + totals.error;
  const empty = finished + totals.retrying === 0;
  const summary = empty
    ? `No deliveries in the last ${RANGE_LABELS[stats.range]}.`
    : `In the last ${RANGE_LABELS[stats.range]}: ${totals.success} succeeded, ${totals.error} failed, ${totals.retrying} attempts were retried; success rate ${percentText(stats.successRate)}, p50 latency ${latency(stats.p50Ms)}, p95 ${latency(stats.p95Ms)}.`;
  return (
    <Card title={title}>
      <section aria-label="Delivery statistics" data-testid="delivery-stats" className="space-y-4">
        <nav aria-label="Range" className="flex gap-2 text-sm">
          {(Object.entries(RANGE_LABELS) as [RangeKey, string][]).map(([key, label]) => (
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
        {empty ? (
          <div data-testid="delivery-summary">
            <EmptyState title={summary} />
          </div>
        ) : (
          <>
            <p className="text-sm text-slate-700" data-testid="delivery-summary">
              {summary}
            </p>
            <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
              {[
                ["Success rate", percentText(stats.successRate)],
                ["p50 latency", latency(stats.p50Ms)],
                ["p95 latency", latency(stats.p95Ms)],
                [
                  "Attempts per delivery",
                  stats.attemptsPerDelivery === null ? "—" : stats.attemptsPerDelivery.toFixed(2),
                ],
              ].map(([label, value]) => (
                <div key={label} className="rounded border border-slate-200 p-2">
                  <dt className="text-slate-600">{label}</dt>
                  <dd className="text-lg font-semibold text-slate-900">{value}</dd>
                </div>
              ))}
            </dl>
            <DeliveryCharts range={stats.range} stepMs={stats.stepMs} series={stats.series} totals={totals} />
          </>
        )}
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
        {!empty && (
          <details>
            <summary className="cursor-pointer text-sm text-sky-800">Deliveries over time (table)</summary>
            <Table head={["From", "Succeeded", "Failed", "Retried"]} caption="Deliveries over time by outcome">
              {stats.series
                .filter((p) => p.success + p.error + p.retrying > 0)
                .map((p) => (
                  <tr key={p.at}>
                    <Td>{stepLabel(p.at, stats.stepMs)}</Td>
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
