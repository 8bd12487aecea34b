// Runs before `npm start` in Playwright's webServer command (see playwright.config.ts):
// 1. deletes the e2e data directory, so every run starts on a fresh SQLite database, and the admin
//    is created again from ADMIN_PASSWORD;
// 2. says when the production build is older than the sources (scripts/build-freshness.ts, the
//    check `npm start` itself makes before it rebuilds), so the tests never run against
//    yesterday's code. E2E_KEEP_BUILD=1 keeps the build as it is: the BUILD_ID is touched, so
//    `npm start` takes it as fresh.
import fs from "node:fs";
import path from "node:path";
import { buildFreshness } from "../scripts/build-freshness";
import { E2E_DATA_DIR } from "./env";

const root = path.resolve(__dirname, "..");
const dataDir = path.resolve(root, E2E_DATA_DIR);
if (!dataDir.startsWith(path.join(root, "data") + path.sep))
  throw new Error(`refusing to delete ${dataDir}: not under ./data`);
fs.rmSync(dataDir, { recursive: true, force: true });

const freshness = buildFreshness(root);
if (!freshness.fresh && freshness.reason === "stale") {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (process.env.E2E_KEEP_BUILD === "1") {
    const now = new Date();
    fs.utimesSync(buildId, now, now);
    console.log(`[e2e] ${freshness.message}; E2E_KEEP_BUILD=1: keeping the build.`);
  } else {
    console.log(`[e2e] ${freshness.message}; \`npm start\` will rebuild.`);
  }
}
