// `npm start`: build if needed, migrate, bootstrap, then run the web server and one worker; if
// either ends, the other is stopped and `npm start` exits non-zero (lib/process/supervise.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { childEnv, env } from "../lib/config/env";
import { applyMigrations } from "../lib/db/migrate";
import { bootstrap } from "../lib/bootstrap";
import { disconnectDb } from "../lib/db/client";
import { WORKER_NODE_ARGS } from "./worker-args";
import { buildFreshness } from "./build-freshness";
import { superviseChildren } from "../lib/process/supervise";
import { checkDataSetup } from "../lib/process/preflight";

async function main() {
  const config = env();
  checkDataSetup(config);
  const nextEnv = childEnv({
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: config.NODE_ENV,
    NEXTAUTH_URL: config.NEXTAUTH_URL ?? config.EXTERNAL_URL ?? `http://localhost:${config.PORT}`,
  });

  // Rebuild when there is no build, or the sources are newer than it (after a `git pull`).
  const freshness = buildFreshness(process.cwd());
  if (!freshness.fresh) {
    console.log(
      freshness.reason === "missing"
        ? "No production build found; running `next build` (once)…"
        : `${freshness.message}; running \`next build\` again…`,
    );
    // An interrupted build must not leave a BUILD_ID that looks fresh.
    fs.rmSync(path.resolve(".next/BUILD_ID"), { force: true });
    const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
      stdio: "inherit",
      env: nextEnv,
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  await applyMigrations();
  await bootstrap();
  await disconnectDb();

  const web = {
    role: "web",
    args: ["--import", "tsx", "scripts/web-server.ts"],
    env: { ...nextEnv, HARBOR_ROLE: "web" },
  };
  const worker = { role: "worker", args: WORKER_NODE_ARGS, env: { ...nextEnv, HARBOR_ROLE: "worker" } };
  superviseChildren(config.HARBOR_NO_WORKER ? [web] : [web, worker]);
  const shown = !config.HOST || config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  console.log(
    `Harbor Notifier on http://${shown.includes(":") ? `[${shown}]` : shown}:${config.PORT}` +
      ` (listening on ${config.HOST ?? "all interfaces"}; database: ${config.database.provider})`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
