// Configuration is read in one place: lib/config/ parses the environment (env(), with a message
// naming a bad variable) and builds children's environments (childEnv()). Anywhere else, a
// `process.env` read is a setting that skips validation, and a write changes it for everyone.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SCANNED = ["app", "lib", "components", "scripts"];
const ALLOWED = ["lib/config/"];
const SKIPPED = [
  "lib/generated/",
  // Test tools, not the product: the benchmark and the reliability harness configure the
  // processes they start (database, keys, limits) through those processes' environments.
  "scripts/bench/",
  "scripts/reliability/",
];

/** `process.env`, `process["env"]` and `const { env } = process`. */
const ENV_ACCESS = [
  /\bprocess\s*\.\s*env\b/,
  /\bprocess\s*\[\s*["'`]env["'`]\s*\]/,
  /\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/,
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (SKIPPED.some((s) => `${rel}/`.startsWith(s))) return [];
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) ? [rel] : [];
  });
}

function envAccesses(text: string): number[] {
  return text.split("\n").flatMap((line, i) => (ENV_ACCESS.some((re) => re.test(line)) ? [i + 1] : []));
}

describe("process.env", () => {
  it("the scan recognises every way of reaching the environment", () => {
    expect(envAccesses("const a = process.env.PORT;")).toEqual([1]);
    expect(envAccesses('x\nprocess["env"].PORT = "1";')).toEqual([2]);
    expect(envAccesses("const { env } = process;")).toEqual([1]);
    expect(envAccesses("const { env } = await import('@/lib/config/env');\nenv().PORT")).toEqual([]);
  });

  it("is touched only under lib/config/", () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((f) => !ALLOWED.some((a) => f.startsWith(a)))
      .flatMap((f) => envAccesses(fs.readFileSync(path.join(ROOT, f), "utf8")).map((line) => `${f}:${line}`));
    expect(offenders, "read settings through env() from @/lib/config/env").toEqual([]);
  });
});
