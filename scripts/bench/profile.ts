import fs from "node:fs";
import path from "node:path";

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

/** Where a function lives: a package, a folder of ours, Node.js itself, or V8's bookkeeping. */
function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "native code (no JS frame: socket writes, V8 builtins)";
  if (url.startsWith("node:")) return "Node.js internals";
  // The only WebAssembly in these processes is Prisma's query compiler (engineType "client").
  if (url.startsWith("wasm://")) return "Prisma query compiler (WebAssembly)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.replace(/\\/g, "/"));
  if (pkg) {
    // Nested copies (e.g. next/dist/compiled/…) are named after the outer package.
    return pkg[1];
  }
  const ours = /\/(lib|app|scripts|components)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`.replace(/\.(ts|tsx|js)$/, "");
  if (url.includes("/.next/")) return "app bundle (.next)";
  return path.basename(url);
}

/** Coarser groups of areas, for a one-line answer to "where does the CPU go". */
function groupOf(area: string): string {
  if (/prisma|sqlite|^pg|^lib\/db/i.test(area))
    return "database (Prisma, the driver, and SQLite's own work, which runs in the process)";
  if (/undici|^native code/.test(area)) return "HTTP client and socket writes";
  if (area === "(garbage collector)") return "garbage collection";
  if (/^(next|react|react-dom|next-auth|@next)/.test(area)) return "Next.js and React";
  if (/^(lib|app|scripts|components)\//.test(area)) return "our code";
  if (area === "Node.js internals") return "Node.js internals";
  return "other";
}

export type ProfileSummary = {
  file: string;
  busyMs: number;
  totalMs: number;
  groups: [string, number][];
  areas: [string, number][];
  functions: [string, number][];
};

/** Self time by area and by function, from the newest .cpuprofile in `dir` (or the biggest, when a run left several). */
export function summarizeProfile(dir: string): ProfileSummary | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  if (files.length === 0) return null;
  const file = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalUs += us;
    if (functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    groups.set(groupOf(area), (groups.get(groupOf(area)) ?? 0) + us);
    const where = url
      ? ` (${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(lib|app|scripts)\//, "$1/")}:${lineNumber + 1})`
      : "";
    const fn = `${functionName || "(anonymous)"}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, v / 1000] as [string, number]);
  return {
    file,
    busyMs: (totalUs - idleUs) / 1000,
    totalMs: totalUs / 1000,
    groups: top(groups, 8),
    areas: top(areas, 8),
    functions: top(functions, 8),
  };
}

/** A few Markdown lines: CPU busy share, then the areas and functions with the most self time. */
export function describeProfile(title: string, s: ProfileSummary | null): string {
  if (!s) return `- ${title}: no CPU profile was written.`;
  const pct = (ms: number) => `${((ms / s.busyMs) * 100).toFixed(0)}%`;
  return [
    `- ${title}: on CPU ${((s.busyMs / s.totalMs) * 100).toFixed(0)}% of ${(s.totalMs / 1000).toFixed(1)} s sampled (\`node --cpu-prof\`, 10 ms interval).`,
    `  - self time by group: ${s.groups.map(([g, ms]) => `${g} ${pct(ms)}`).join(", ")}`,
    `  - self time by area: ${s.areas.map(([a, ms]) => `${a} ${pct(ms)}`).join(", ")}`,
    `  - hottest functions: ${s.functions
      .slice(0, 6)
      .map(([f, ms]) => `\`${f}\` ${pct(ms)}`)
      .join(", ")}`,
  ].join("\n");
}
