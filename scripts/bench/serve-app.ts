// Runs under `flock /tmp/harbor-e2e.lock` (started by app.ts): the production build in .next is
// shared with the end-to-end tests, so it is rebuilt and served only while holding their lock.
// 1. `next build` when .next is missing or older than the sources; 2. the web server on BENCH_PORT.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
/** Whatever `next build` reads (tests excluded), as e2e/prepare-server.ts checks it. */
const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.js",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "prisma/schema.prisma",
];
const buildId = path.join(root, ".next", "BUILD_ID");

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((e) => newest(path.join(p, e))));
}

const say = (line: string) => process.stdout.write(`BENCH:${line}\n`);
say("locked");

const stale =
  !fs.existsSync(buildId) ||
  Math.max(...BUILD_INPUTS.map((p) => newest(path.join(root, p)))) > fs.statSync(buildId).mtimeMs;
if (stale) {
  const t0 = Date.now();
  const log = path.join(process.env.BENCH_TMP ?? "/tmp", `bench-build-${process.pid}.log`);
  const out = fs.openSync(log, "w");
  const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: ["ignore", out, out],
    env: { ...process.env, NODE_ENV: "production" },
  });
  fs.closeSync(out);
  if (build.status !== 0) {
    say(`build-failed ${log}`);
    process.exit(1);
  }
  say(`built ${((Date.now() - t0) / 1000).toFixed(0)}`);
}

const nodeArgs = process.env.BENCH_APP_CPU_PROF_DIR
  ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_APP_CPU_PROF_DIR}`, "--cpu-prof-interval=10000"]
  : [];
// The web server `npm start` runs (scripts/web-server.ts: Next's handler behind request timeouts
// and the health endpoints), so the benchmark measures what production serves.
const server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "scripts/web-server.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PORT: String(process.env.BENCH_PORT), HOST: "127.0.0.1" },
});
say(`server ${server.pid}`);
process.on("SIGTERM", () => server.kill("SIGTERM"));
server.on("exit", (code) => process.exit(code ?? 0));
