// `npm run bench`: the delivery and scale-out benchmarks, each figure beside its baseline, in one
// run; writes docs/benchmarks.md. Local loopback traffic only; every loop is bounded in count and
// time. `--quick` runs every step small (a smoke test, nothing written); `--only=<prefix>` runs
// the steps whose name starts with the prefix (nothing written either).
// Environment: BENCH_POSTGRES_URL (an admin URL of the PostgreSQL server; it creates and drops its
// own databases), BENCH_NODE_ARGS (extra node flags for the workers, e.g. a heap limit),
// BENCH_LOCK_WAIT_S (how long the app steps wait for the e2e lock on the shared build).
import "./setup-env";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { backlog, isolation, latency, throughput, type Row } from "./scenarios";
import { fanout } from "./fanout";
import { ingest } from "./ingest";
import { history } from "./history";
import { dashboard } from "./dashboard";
import { dropAllDatabases, loadMonitor, machine, type DbKind } from "./harness";
import { describeProfile, summarizeProfile } from "./profile";
import { limitsNote } from "./notes";
import { appStarts } from "./app";
import { statementCosts } from "./statements";
import { tracingCost } from "./tracing";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const s = (full: number, small: number) => (quick ? small : full);
const profileRoot = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-bench-prof-"));
const profileDir = (name: string) => path.join(profileRoot, name.replace(/[^a-z0-9]+/gi, "-"));

/** A step's figures, and evidence (query plans, memory) for the notes when a target is missed. */
type Outcome = Row[] | { rows: Row[]; detail: string };
type Step = {
  name: string;
  run: (prof: string) => Promise<Outcome>;
  profile?: boolean;
  /** whose CPU profile it is (default: the worker's) */
  profiled?: string;
};
const evidence: string[] = [];
const curve: { workers: number; perSec: number; ratio: number; cpu: string }[] = [];

const steps: Step[] = [
  {
    name: "throughput, SQLite, 1 worker",
    profile: true,
    run: async (prof) => {
      const r = await throughput("sqlite", 1, { targets: 20, events: s(1000, 100), cpuProfileDir: prof });
      return { rows: r.rows, detail: `Throughput, SQLite, 1 worker — ${r.cpu}.` };
    },
  },
  ...(["sqlite", "postgres"] as DbKind[]).map((kind): Step => ({
    name: `statements, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}`,
    run: () => statementCosts(kind, { targets: 20, events: s(500, 50) }),
  })),
  ...[1, 2, 4].map((workers): Step => ({
    name: `throughput, PostgreSQL, ${workers} worker${workers > 1 ? "s" : ""}`,
    profile: workers === 2,
    run: async (prof) => {
      const r = await throughput("postgres", workers, {
        targets: 20,
        events: s(1000, 100),
        cpuProfileDir: workers === 2 ? prof : undefined,
      });
      curve.push({ workers, perSec: r.perSec, ratio: r.ratio, cpu: r.cpu });
      return { rows: r.rows, detail: `Throughput, PostgreSQL, ${workers} worker${workers > 1 ? "s" : ""} — ${r.cpu}.` };
    },
  })),
  {
    name: "tracing, SQLite, 1 worker",
    run: () => tracingCost("sqlite", { targets: 20, events: s(1000, 100), rounds: s(2, 1) }),
  },
  {
    name: "latency, SQLite, 200 events/s",
    profile: true,
    run: (prof) => latency("sqlite", 200, s(10, 3), { cpuProfileDir: prof }),
  },
  {
    name: "latency, PostgreSQL, 200 events/s",
    profile: true,
    run: (prof) => latency("postgres", 200, s(10, 3), { cpuProfileDir: prof }),
  },
  { name: "latency, PostgreSQL, 1000 events/s", run: () => latency("postgres", 1000, s(5, 2)) },
  { name: "latency, SQLite, 1000 events/s", run: () => latency("sqlite", 1000, s(5, 2)) },
  { name: "isolation, SQLite", run: () => isolation("sqlite", { healthy: 10, events: s(300, 60) }) },
  ...(["sqlite", "postgres"] as DbKind[]).map((kind): Step => ({
    name: `fan-out, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}`,
    run: () => fanout(kind, s(1000, 200)),
  })),
  ...(["sqlite", "postgres"] as DbKind[]).map((kind): Step => ({
    name: `ingest, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}`,
    profile: true,
    profiled: "the web server",
    run: (prof) => ingest(kind, { seconds: s(8, 2), concurrency: 16, cpuProfileDir: prof }),
  })),
  ...(["sqlite", "postgres"] as const).map((kind) => ({
    name: `dashboard, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}`,
    run: () => dashboard(kind, { total: s(1_000_000, 50_000), requests: s(50, 10) }),
  })),
  {
    name: "history, PostgreSQL",
    run: async () => {
      const r = await history("postgres", { total: s(1_000_000, 50_000), requests: s(50, 10) });
      return { rows: r.rows, detail: r.evidence };
    },
  },
  {
    name: "history, SQLite",
    run: async () => {
      const r = await history("sqlite", { total: s(1_000_000, 50_000), requests: s(50, 10) });
      return { rows: r.rows, detail: r.evidence };
    },
  },
  ...(
    [
      ["sqlite", 1],
      ["postgres", 2],
    ] as [DbKind, number][]
  ).map(([kind, workers]): Step => ({
    name: `backlog, ${kind === "sqlite" ? "SQLite" : "PostgreSQL"}, ${workers} worker${workers > 1 ? "s" : ""}`,
    run: async () => {
      const r = await backlog(kind, { targets: 50, events: s(2000, 200), workers });
      return { rows: r.rows, detail: r.memory };
    },
  })),
];

async function main() {
  const started = Date.now();
  const monitor = loadMonitor();
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const step of steps) {
    if (only && !step.name.startsWith(only)) continue;
    process.stdout.write(`▶ ${step.name}… `);
    const t = Date.now();
    const prof = profileDir(step.name);
    let result: Row[];
    let detail = "";
    try {
      const outcome = await step.run(prof);
      if (Array.isArray(outcome)) result = outcome;
      else ({ rows: result, detail } = outcome);
    } catch (err) {
      console.error(err);
      result = [
        {
          figure: step.name,
          value: `failed: ${(err as Error).message.split("\n")[0]}`,
          baseline: "",
          target: "",
          pass: false,
        },
      ];
    }
    console.log(`${((Date.now() - t) / 1000).toFixed(0)} s`);
    for (const row of result)
      console.log(
        `   ${row.figure}: ${row.value} (baseline ${row.baseline}) ${row.pass === null ? "" : row.pass ? "✓" : "✗"}`,
      );
    rows.push(...result);
    const missed = result.filter((r) => r.pass === false);
    if (missed.length) {
      const profile = step.profile
        ? describeProfile(
            `CPU profile of ${step.profiled ?? "the worker"} during "${step.name}"`,
            summarizeProfile(prof),
          )
        : "";
      notes.push(limitsNote(step.name, missed, profile, detail));
    } else if (detail) {
      evidence.push(`### ${step.name}\n\n${detail}\n`);
    }
  }
  const load = monitor.stop();
  await dropAllDatabases();
  fs.rmSync(profileRoot, { recursive: true, force: true });

  const mark = (r: Row) => (r.pass === null ? "" : r.pass ? "✓" : "✗");
  const table = [
    "| Figure | Measured | Baseline | Target | Met |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.target} | ${mark(r)} |`),
  ].join("\n");
  console.log("\n" + table);
  const minutes = (Date.now() - started) / 60000;
  const waited = appStarts.reduce((t, a) => t + a.waitedS, 0);
  const built = appStarts.reduce((t, a) => t + a.builtS, 0);
  const appInfo = [
    waited > 5
      ? `${(waited / 60).toFixed(1)} min of it waiting for ${"`/tmp/harbor-e2e.lock`"} (an end-to-end run held the shared build)`
      : "",
    built > 0 ? `${built.toFixed(0)} s rebuilding the app (the sources were newer than .next)` : "",
  ]
    .filter(Boolean)
    .join("; ");
  console.log(`\n${minutes.toFixed(1)} min${appInfo ? ` (${appInfo})` : ""}. Machine load: ${load.summary}.`);
  if (quick || only) {
    if (notes.length) console.log(`\n${notes.join("\n")}`);
    console.log("(--quick / --only: docs/benchmarks.md not written)");
    process.exit(0);
  }
  const base = curve.find((c) => c.workers === 1)?.perSec;
  const curveLine = base
    ? [
        `PostgreSQL scaling: ${curve.map((c) => `${c.workers} worker${c.workers > 1 ? "s" : ""} ${c.perSec.toFixed(0)}/s (${(c.perSec / base).toFixed(2)}×, ratio ${c.ratio.toFixed(2)})`).join(" → ")}.`,
        "Where the CPU went while they ran (the machine has 2 cores; the workers, PostgreSQL, the receiver and the benchmark share them):",
        "",
        ...curve.map((c) => `- ${c.workers} worker${c.workers > 1 ? "s" : ""}: ${c.cpu}`),
      ].join("\n")
    : "";
  const doc = [
    "# Benchmarks",
    "",
    `Last run: ${new Date().toISOString()} — \`npm run bench\`, ${minutes.toFixed(1)} minutes${appInfo ? ` (${appInfo})` : ""}.`,
    "",
    `Machine: ${await machine()}.`,
    "",
    `Load while it ran: ${load.summary}.${load.quiet ? " No other test run was seen." : " Other test runs shared the machine for part of the run, so some figures are lower than on a quiet machine."}`,
    "",
    "## How",
    "",
    "- Every figure comes from this one run. Receivers are local HTTP servers on 127.0.0.1 that answer 200 at once (unless black-holed); every database is fresh (PostgreSQL: a new database on the local server; SQLite: a new file).",
    "- **Throughput**: the deliveries are queued first (ingestEvent), held back while the workers start, then made due at once; the clock runs until the last success is *recorded* in the database. The baseline is raw undici POSTs of the same bodies to the same receiver URLs, 64 at a time, from the benchmark process.",
    "- **Tracing**: the SQLite throughput run with OpenTelemetry tracing off and on, alternately, twice each, keeping each one's best: `OTEL_EXPORTER_OTLP_ENDPOINT` set for the ingest and the worker, spans exported over OTLP/HTTP (JSON, the SDK's default batch processor) to a collector on 127.0.0.1 that answers 200 at once and counts them; the worker's CPU per delivery (from /proc) beside the rate. Off is the code path every other figure measures.",
    "- **Latency**: events are ingested in the benchmark process at a steady rate, one policy with one target; from ingestEvent returning (event and task committed, workers notified) to the request's arrival at a receiver running in a process of its own; after a first second at the same rate that is not measured (warm-up).",
    "- **Fan-out**: one event to 1,000 policies (1,000 distinct target URLs); from calling ingestEvent to the last arrival, vs 1,000 raw POSTs.",
    "- **Ingest**: the built app (the web server `npm start` runs, which answers the two ingest endpoints itself, no worker) answering `POST /v1/events` with an API key, 16 keep-alive clients back to back. Durable: the event, its execution and its task are committed before the 202 (PostgreSQL `synchronous_commit=on`; SQLite WAL with `synchronous=NORMAL`, durable across process crashes, not power loss). The baseline is raw undici POSTs of the same body from the same 16 clients to a bare Node receiver in a process of its own (answering 200 at once), measured in the same run; `?validate_only=true` (authentication and validation, no write) is shown beside. **Envelopes**: registry notification envelopes of 50 manifest pushes each (new event ids every time) to `POST /service/notifications`, 16 clients, counted in events per second against the single-event rate.",
    "- **History**: 1,000,000 finished tasks (one execution each) seeded in bulk over 100 policies, 90% on one; then `VACUUM ANALYZE`/`ANALYZE` (what autovacuum leaves behind). Sequential requests to the built app after 5 warm-up requests, signed in (next-auth session cookie); the time is measured by the client on loopback, so it is the server's response time plus well under a millisecond. The big policy's total is beyond the exact-count limit: PostgreSQL estimates it, SQLite counts it and keeps the count for 30 s (so on SQLite the first of these requests pays a full count).",
    "- **Backlog**: 100,000 due tasks seeded in bulk (2,000 events × 50 policies, as an outage leaves them), drained by fresh workers; peak resident memory sampled every 100 ms from /proc.",
    "",
    "## Results",
    "",
    table,
    "",
    curveLine,
    "",
    ...(notes.length ? ["## Targets missed: what limits them", "", ...notes, ""] : ["All targets were met.", ""]),
    ...(evidence.length ? ["## Evidence for the targets met", "", ...evidence] : []),
    "",
  ].join("\n");
  fs.mkdirSync("docs", { recursive: true });
  fs.writeFileSync("docs/benchmarks.md", doc);
  console.log("\nwrote docs/benchmarks.md");
  process.exit(0);
}

main().catch(async (err) => {
  console.error(err);
  await dropAllDatabases().catch(() => undefined);
  process.exit(1);
});
