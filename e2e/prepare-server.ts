// Runs before `npm start` in Playwright's webServer command (see playwright.config.ts):
// 1. deletes the e2e data directory, so every run starts on a fresh SQLite database, and the admin
//    is created again from ADMIN_PASSWORD;
// 2. discards a production build older than the sources, so `npm start` rebuilds and the tests
//    never run against yesterday's code (`npm start` only builds when .next/BUILD_ID is missing).
import fs from "node:fs";
import path from "node:path";
import { E2E_DATA_DIR } from "./env";

const root = path.resolve(__dirname, "..");
const dataDir = path.resolve(root, E2E_DATA_DIR);
if (!dataDir.startsWith(path.join(root, "data") + path.sep))
  throw new Error(`refusing to delete ${dataDir}: not under ./data`);
fs.rmSync(dataDir, { recursive: true, force: true });

/** Whatever `next build` reads (tests and e2e excluded). */
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

function newestChange(p: string): { file: string; mtimeMs: number } | undefined {
  if (!fs.existsSync(p)) return undefined;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? undefined : { file: p, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of fs.readdirSync(p)) {
    const found = newestChange(path.join(p, entry));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

if (fs.existsSync(buildId) && process.env.E2E_KEEP_BUILD !== "1") {
  const built = fs.statSync(buildId).mtimeMs;
  const newest = BUILD_INPUTS.map((p) => newestChange(path.join(root, p))).reduce(
    (a, b) => (b && (!a || b.mtimeMs > a.mtimeMs) ? b : a),
    undefined,
  );
  if (newest && newest.mtimeMs > built) {
    console.log(`[e2e] ${path.relative(root, newest.file)} changed after the last build; \`npm start\` will rebuild.`);
    fs.rmSync(buildId);
  }
}
