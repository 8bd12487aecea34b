"use client";
/**
 * The delivery series drawn with recharts: deliveries per step stacked by outcome, and the success
 * rate per step. Colours are the palette's CSS variables, which the dark theme mirrors, so one theme
 * reads in light and dark; failed and retried bars carry a texture, so they differ by more than
 * colour. Each chart is one image with a label that says what it shows (the table below the charts
 * has every number); the SVG inside stays out of the tab order.
 */
import type { ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  pattern,
  patterns,
  RechartsThemeProvider,
  Tooltip,
  XAxis,
  YAxis,
  type RechartsTheme,
} from "recharts";
import {
  percentText,
  stepLabel,
  stepName,
  tickLabel,
  type DeliveryStats,
  type SeriesPoint,
} from "@/lib/shared/delivery-stats";

const surface = "var(--color-white)";

const theme: RechartsTheme = {
  typography: { color: "var(--color-slate-700)", fontSize: 12 },
  pageBackground: surface,
  // Every series below sets its own colour; this is the fallback the theme requires.
  graphicalItems: [{ fill: "var(--color-sky-600)", stroke: "var(--color-sky-600)" }],
  axis: { stroke: "var(--color-slate-500)" },
  grid: { stroke: "var(--color-slate-200)", strokeDasharray: "3 3", fill: "none" },
  cursor: { fill: "var(--color-slate-100)", stroke: "var(--color-slate-200)", fillOpacity: 0.8 },
  tooltip: {
    contentStyle: {
      margin: 0,
      padding: "0.5ex 1ex",
      backgroundColor: surface,
      border: "1px solid var(--color-slate-300)",
      borderRadius: 4,
      whiteSpace: "nowrap",
    },
    itemStyle: { display: "block", paddingTop: 2, paddingBottom: 2 },
    labelStyle: { margin: 0, fontWeight: 600, color: "var(--color-slate-900)" },
  },
  legend: { labelStyle: { color: "var(--color-slate-700)" } },
};

// Defined once, outside the components: recharts redraws a definition that changes between renders.
const OUTCOMES = [
  { key: "success", name: "Succeeded", fill: "var(--color-green-600)" },
  { key: "error", name: "Failed", fill: { color: "var(--color-red-600)", definition: pattern(patterns.diagonal) } },
  { key: "retrying", name: "Retried", fill: { color: "var(--color-amber-500)", definition: pattern(patterns.dots) } },
] as const;
// The tooltip lists the outcomes in the legend's order (recharts sorts them by name otherwise).
const outcomeOrder = (item: { dataKey?: unknown }) => OUTCOMES.findIndex((o) => o.key === item.dataKey);
// Both charts' value axes take the same width, and both time axes are bands, so their steps line up.
const VALUE_AXIS_WIDTH = 56;
// Tick text a step darker than the axis line, to read as text.
const TICK = { fill: "var(--color-slate-600)" };
// Tooltip lines in neutral text (a series' colour is too light for text on the light surface); only
// the chart's own prop wins over each line's colour.
const TOOLTIP_ITEM = { color: "var(--color-slate-800)" };

type ChartProps = Pick<DeliveryStats, "range" | "stepMs" | "series" | "totals">;

/** Per step: the share of finished deliveries that succeeded; null for a step with none finished. */
function successRates(series: SeriesPoint[]) {
  return series.map((p) => ({ at: p.at, rate: p.success + p.error > 0 ? p.success / (p.success + p.error) : null }));
}

function timeAxis({ range, stepMs }: Pick<ChartProps, "range" | "stepMs">) {
  return (
    <XAxis
      dataKey="at"
      scale="band"
      tick={TICK}
      tickFormatter={(at: number) => tickLabel(at, stepMs, range)}
      minTickGap={24}
      tickMargin={4}
    />
  );
}

/** A chart under its heading, as one image whose label says what it shows. */
function ChartFigure({
  heading,
  stepMs,
  label,
  testId,
  children,
}: {
  heading: string;
  stepMs: number;
  label: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <h3 className="text-sm font-semibold text-slate-900">
        {heading} <span className="font-normal text-slate-600">(per {stepName(stepMs)}, UTC)</span>
      </h3>
      <div role="img" aria-label={label} data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/** What both charts share: sized by CSS before they measure (no jump on first paint), out of the tab order. */
const chartProps = (height: number) => ({
  responsive: true,
  accessibilityLayer: false,
  style: { width: "100%", height },
  margin: { top: 8, right: 8, bottom: 0, left: 0 },
});

/** Deliveries per step, stacked by outcome; and the success rate per step when any delivery finished. */
export function DeliveryCharts(props: ChartProps) {
  const { stepMs, series, totals } = props;
  const rates = successRates(series);
  const known = rates.flatMap((r) => (r.rate === null ? [] : [r.rate]));
  const label = (at: unknown) => stepLabel(Number(at), stepMs);
  const per = `per ${stepName(stepMs)}`;
  return (
    <RechartsThemeProvider value={theme}>
      <div className="space-y-4">
        <ChartFigure
          heading="Deliveries by outcome"
          stepMs={stepMs}
          label={`Deliveries over time by outcome, ${per}: ${totals.success} succeeded, ${totals.error} failed, ${totals.retrying} retried.`}
          testId="delivery-chart"
        >
          <BarChart data={series} {...chartProps(240)}>
            <CartesianGrid vertical={false} />
            {timeAxis(props)}
            <YAxis allowDecimals={false} width={VALUE_AXIS_WIDTH} tick={TICK} />
            <Tooltip labelFormatter={label} itemSorter={outcomeOrder} itemStyle={TOOLTIP_ITEM} />
            <Legend itemSorter={null} />
            {OUTCOMES.map((o) => (
              <Bar
                key={o.key}
                dataKey={o.key}
                name={o.name}
                stackId="outcome"
                fill={o.fill}
                stroke={surface}
                strokeWidth={0.5}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ChartFigure>
        {known.length > 0 && (
          <ChartFigure
            heading="Success rate"
            stepMs={stepMs}
            label={`Success rate over time, ${per}: lowest ${percentText(Math.min(...known))}, highest ${percentText(Math.max(...known))}.`}
            testId="success-rate-chart"
          >
            <LineChart data={rates} {...chartProps(140)}>
              <CartesianGrid vertical={false} />
              {timeAxis(props)}
              <YAxis
                domain={[0, 1]}
                ticks={[0, 0.5, 1]}
                tickFormatter={(v: number) => `${v * 100} %`}
                width={VALUE_AXIS_WIDTH}
                tick={TICK}
              />
              <Tooltip
                labelFormatter={label}
                itemStyle={TOOLTIP_ITEM}
                formatter={(v) => percentText(typeof v === "number" ? v : null)}
              />
              <Line
                dataKey="rate"
                name="Success rate"
                stroke="var(--color-sky-600)"
                strokeWidth={2}
                dot={{ r: 2.5, fill: "var(--color-sky-600)" }}
                isAnimationActive={false}
              />
            </LineChart>
          </ChartFigure>
        )}
      </div>
    </RechartsThemeProvider>
  );
}
