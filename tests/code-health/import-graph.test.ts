// lib/ is layered by folder: if lib/a imports lib/b, nothing in lib/b leads back to lib/a. A cycle
// between folders means neither can be understood (or moved) without the other. ESLint's
// import/no-cycle guards files; this guards folders, which it cannot see.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const LIB = path.join(ROOT, "lib");

/** Module specifiers of `import … from`, `export … from` and `import "…"` statements. */
function importedSpecifiers(source: string): string[] {
  const statements = /^\s*(?:import|export)\b[^'";]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  return [...source.matchAll(statements)].map((m) => m[1] ?? m[2]);
}

/** The graph node of a file under lib/: its top folder (`lib/db`), or the file itself (`lib/ids`). */
function nodeOf(absolute: string): string | undefined {
  const rel = path.relative(LIB, absolute);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  const [first, ...rest] = rel.split(path.sep);
  return `lib/${rest.length > 0 ? first : first.replace(/\.(ts|tsx|js|mjs)$/, "")}`;
}

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" && dir === LIB ? [] : libFiles(abs);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [abs] : [];
  });
}

/** Folder-level edges: node → the nodes it imports (itself excluded). */
function folderGraph(files: { file: string; source: string }[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { file, source } of files) {
    const from = nodeOf(file)!;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of importedSpecifiers(source)) {
      const target = spec.startsWith("@/")
        ? path.join(ROOT, spec.slice(2))
        : spec.startsWith(".")
          ? path.resolve(path.dirname(file), spec)
          : undefined;
      const to = target && nodeOf(target);
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** One cycle as a path `a → b → a`, or undefined when the graph has none. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "open");
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("import graph of lib/", () => {
  it("reads import and export statements, and finds a cycle between folders", () => {
    const source = [
      'import { a } from "@/lib/db/client";',
      'import type { B } from "../events/types";',
      "import {\n  c,\n  d,\n} from './same';",
      'export { e } from "@/lib/shared/events";',
      'export * from "zod";',
      'import "./side-effect";',
      "const s = \"import x from '@/lib/nowhere'\";",
    ].join("\n");
    expect(importedSpecifiers(source)).toEqual([
      "@/lib/db/client",
      "../events/types",
      "./same",
      "@/lib/shared/events",
      "zod",
      "./side-effect",
    ]);
    const graph = folderGraph([
      { file: path.join(LIB, "db/client.ts"), source: 'import { x } from "../ids";\nimport { y } from "./raw";' },
      { file: path.join(LIB, "ids.ts"), source: 'import { z } from "@/lib/events/z";' },
      { file: path.join(LIB, "events/z.ts"), source: 'import { a } from "@/lib/db/client";' },
    ]);
    expect(graph.get("lib/db")).toEqual(new Set(["lib/ids"]));
    expect(findCycle(graph)).toEqual(["lib/db", "lib/ids", "lib/events", "lib/db"]);
    graph.get("lib/events")!.clear();
    expect(findCycle(graph)).toBeUndefined();
  });

  it("has no cycle between folders", () => {
    const files = libFiles().map((file) => ({ file, source: fs.readFileSync(file, "utf8") }));
    const graph = folderGraph(files);
    expect(graph.size).toBeGreaterThan(10);
    const cycle = findCycle(graph);
    expect(cycle && `folder-level import cycle: ${cycle.join(" → ")}`).toBeUndefined();
  });

  it("ESLint's import/no-cycle guards the files (an error, not a warning)", async () => {
    type FlatConfig = { files?: unknown; rules?: Record<string, unknown> };
    const { default: config } = (await import(path.join(ROOT, "eslint.config.mjs"))) as { default: FlatConfig[] };
    // The last entry for every file that sets the rule wins.
    const setting = config.filter((c) => !c.files && c.rules?.["import/no-cycle"] !== undefined).at(-1);
    expect(setting, "eslint.config.mjs sets import/no-cycle").toBeDefined();
    expect([setting!.rules!["import/no-cycle"]].flat()[0]).toSatisfy((s) => s === "error" || s === 2);
  });
});
