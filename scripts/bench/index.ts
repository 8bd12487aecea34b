// `npm run bench`: the delivery benchmarks, each figure beside its baseline, in one run.
// Writes docs/benchmarks.md. Local loopback traffic only; every loop is bounded.
import crypto from "node:crypto";
import fs from "node:fs";
import { backlog, isolation, latency, throughput, type Row } from "./scenarios";
import { machine } from "./harness";

process.env.ALLOWED_NETWORKS = "127.0.0.0/8";
// One key for the benchmark process and its workers, whatever data directory each run uses.
process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
process.env.NEXTAUTH_SECRET = crypto.randomBytes(32).toString("base64");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "warn";
(process.env as Record<string, string>).NODE_ENV = "production";

const quick = process.argv.includes("--quick");
const scale = quick ? 0.2 : 1;

async function main() {
  const started = Date.now();
  const rows: Row[] = [];
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
  const step = async (name: string, fn: () => Promise<Row[]>) => {
    if (only && !name.startsWith(only)) return;
    process.stdout.write(`▶ ${name}… `);
    const t = Date.now();
    const r = await fn();
    console.log(`${((Date.now() - t) / 1000).toFixed(0)} s`);
    for (const row of r) console.log(`   ${row.figure}: ${row.value} (baseline ${row.baseline}) ${row.pass === null ? "" : row.pass ? "✓" : "✗"}`);
    rows.push(...r);
  };

  await step("throughput, SQLite, 1 worker", async () => (await throughput("sqlite", 1, { targets: 20, events: Math.round(500 * scale) })).rows);
  await step("latency at 200 events/s, SQLite", () => latency("sqlite", 200, quick ? 5 : 10));
  await step("isolation with black-holed targets, SQLite", () => isolation("sqlite", { healthy: 10, events: Math.round(300 * scale) }));
  await step("backlog of 100,000 deliveries, SQLite", () => backlog("sqlite", { targets: 50, events: Math.round(2000 * scale) }));

  const table = [
    "| Figure | Measured | Baseline | Target | Met |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.figure.trim()} | ${r.value} | ${r.baseline} | ${r.target} | ${r.pass === null ? "" : r.pass ? "yes" : "**no**"} |`),
  ].join("\n");
  console.log("\n" + table);
  if (!quick) {
    const doc = [
      "# Benchmarks",
      "",
      `Last run: ${new Date().toISOString()} — \`npm run bench\` (${((Date.now() - started) / 60000).toFixed(1)} min).`,
      "",
      `Machine: ${machine()}.`,
      "",
      "Every figure comes from the same run, against the same local receiver (127.0.0.1, answers 200 at once unless black-holed).",
      "Deliveries are counted when their success is recorded in the database; the baseline is raw undici POSTs of the same bodies to the same receiver, 64 at a time.",
      "",
      table,
      "",
    ].join("\n");
    fs.mkdirSync("docs", { recursive: true });
    fs.writeFileSync("docs/benchmarks.md", doc);
    console.log("\nwrote docs/benchmarks.md");
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
