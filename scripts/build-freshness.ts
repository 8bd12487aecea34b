// Whether the production build in .next is older than the sources: `npm start` rebuilds then (a
// `git pull` to a new version must not serve the old build against the new migrations), and the
// end-to-end tests' server preparation uses the same check.
import fs from "node:fs";
import path from "node:path";

/**
 * Whatever `next build` reads (tests excluded). Not package.json and package-lock.json: `npm prune`
 * (the Dockerfile runs it after the build) rewrites them, and a rebuild without the dev dependencies
 * would fail at every container start. After a dependency-only update, run `npm run build`.
 */
export const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.js",
  "next.config.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "prisma/schema.prisma",
];

/** Not build inputs: tests beside the code, and the generated Prisma clients (rewritten by every `npm ci`). */
const SKIPPED = [/\.test\.tsx?$/, /(^|[/\\])lib[/\\]generated([/\\]|$)/];

export type Freshness =
  | { fresh: true }
  | { fresh: false; reason: "missing"; message: string }
  | { fresh: false; reason: "stale"; file: string; message: string };

type Newest = { file: string; mtimeMs: number };

function newestChange(p: string): Newest | undefined {
  if (SKIPPED.some((re) => re.test(p))) return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return { file: p, mtimeMs: stat.mtimeMs };
  let newest: Newest | undefined;
  for (const entry of fs.readdirSync(p)) {
    const found = newestChange(path.join(p, entry));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/** The newest build input under `root`, or undefined when there is none. */
export function newestBuildInput(root: string, inputs: readonly string[] = BUILD_INPUTS): Newest | undefined {
  return inputs
    .map((p) => newestChange(path.join(root, p)))
    .reduce<Newest | undefined>((a, b) => (b && (!a || b.mtimeMs > a.mtimeMs) ? b : a), undefined);
}

/** Compares the newest build input with `.next/BUILD_ID`, which `next build` writes last. */
export function buildFreshness(root: string, inputs: readonly string[] = BUILD_INPUTS): Freshness {
  const buildId = path.join(root, ".next", "BUILD_ID");
  let built: number;
  try {
    built = fs.statSync(buildId).mtimeMs;
  } catch {
    return { fresh: false, reason: "missing", message: "No production build found" };
  }
  const newest = newestBuildInput(root, inputs);
  if (newest && newest.mtimeMs > built) {
    const file = path.relative(root, newest.file);
    return { fresh: false, reason: "stale", file, message: `${file} changed after the last build` };
  }
  return { fresh: true };
}
