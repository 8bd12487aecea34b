// `npm start`: build if needed, migrate, bootstrap, then run the web server and one worker.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { childEnv, env } from "../lib/config/env";
import { applyMigrations } from "../lib/db/migrate";
import { bootstrap } from "../lib/bootstrap";
import { disconnectDb } from "../lib/db/client";
import { WORKER_NODE_ARGS } from "./worker-args";
import { buildFreshness } from "./build-freshness";

async function main() {
  const config = env();
  const nextEnv = childEnv({
    NEXT_TELEMETRY_DISABLED: "1",
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

  const children: ChildProcess[] = [];
  const run = (role: "web" | "worker", args: string[]) => {
    const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...nextEnv, HARBOR_ROLE: role } });
    child.on("exit", (code, signal) => {
      if (!stopping) {
        console.error(`${role} exited (${signal ?? code}); stopping`);
        stop(code ?? 1);
      }
    });
    children.push(child);
  };
  let stopping = false;
  const stop = (code = 0) => {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on("exit", r))))).then(() =>
      process.exit(code),
    );
  };
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));

  const web = [require.resolve("next/dist/bin/next"), "start", "-p", String(config.PORT)];
  if (config.HOST) web.push("-H", config.HOST);
  run("web", web);
  if (!config.HARBOR_NO_WORKER) run("worker", WORKER_NODE_ARGS);
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
