// The client/server boundary, checked on the import graph: code that can run in the browser (every
// module under components/ and every "use client" module) reaches, through any chain of imports,
// only components/, the browser-safe contracts in lib/shared/, server actions ("use server" modules,
// which the browser calls through a reference and never loads) and browser packages. ESLint's
// no-restricted-imports sees one import at a time; this follows the chains it cannot.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SOURCE_DIRS = ["app", "components", "lib"];
const SKIP_DIRS = new Set(["node_modules", ".next", "generated"]);
const EXTENSIONS = [".ts", ".tsx"];

/** Local folders whose modules the browser may load (and whose imports are followed in turn). */
const BROWSER_FOLDERS = ["components/", "lib/shared/"];

/** Packages that are fine in the browser; anything else (node:*, prisma, pg, next/headers, ...) is not. */
const BROWSER_PACKAGES = [
  "react",
  "react-dom",
  "next/link",
  "next/navigation",
  "next/image",
  "next/dynamic",
  "next/form",
  "next/script",
  "next-auth/react",
  "zod",
  "recharts",
];

type Files = { exists(rel: string): boolean; read(rel: string): string; list(): string[] };

const diskFiles: Files = {
  exists: (rel) => fs.existsSync(path.join(ROOT, rel)) && fs.statSync(path.join(ROOT, rel)).isFile(),
  read: (rel) => fs.readFileSync(path.join(ROOT, rel), "utf8"),
  list: () => SOURCE_DIRS.flatMap((dir) => walk(dir)),
};

function walk(rel: string): string[] {
  const abs = path.join(ROOT, rel);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const child = path.posix.join(rel, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : walk(child);
    return EXTENSIONS.some((x) => e.name.endsWith(x)) && !e.name.endsWith(".d.ts") ? [child] : [];
  });
}

/** The module's directive ("use client", "use server") if its first statement is one. */
function directive(source: string): string | undefined {
  const code = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^(["'])(use client|use server)\1/.exec(code)?.[2];
}

/** Every module specifier the source imports or re-exports, type-only ones included (as ESLint's rule). */
export function importSpecifiers(source: string): string[] {
  const specs = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^"';]*?\sfrom\s*["']([^"']+)["']/g, // import x from "m", export { y } from "m"
    /\bimport\s*["']([^"']+)["']/g, // import "m"
    /\bimport\(\s*["']([^"']+)["']\s*\)/g, // import("m")
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.add(m[1]);
  return [...specs];
}

/** A local specifier resolved to a repository-relative file, or undefined when nothing matches. */
function resolveLocal(files: Files, from: string, spec: string): string | undefined {
  const base = spec.startsWith("@/") ? spec.slice(2) : path.posix.join(path.posix.dirname(from), spec);
  const candidates = [base, ...EXTENSIONS.map((x) => base + x), ...EXTENSIONS.map((x) => `${base}/index${x}`)];
  return candidates.find((c) => files.exists(c));
}

const isLocal = (spec: string) => spec.startsWith("@/") || spec.startsWith(".");
const isBrowserPackage = (spec: string) => BROWSER_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
const inBrowserFolder = (file: string) => BROWSER_FOLDERS.some((dir) => file.startsWith(dir));

/** Modules the browser may load: everything under components/ and every "use client" module. */
export function browserEntryPoints(files: Files): string[] {
  return files.list().filter((f) => f.startsWith("components/") || directive(files.read(f)) === "use client");
}

/** Each import chain from an entry point that reaches a module the browser must not load. */
export function boundaryViolations(files: Files, entries: string[]): string[] {
  const violations: string[] = [];
  const visited = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (visited.has(file)) return;
    visited.add(file);
    for (const spec of importSpecifiers(files.read(file))) {
      if (!isLocal(spec)) {
        if (!isBrowserPackage(spec)) violations.push([...chain, file, spec].join(" → "));
        continue;
      }
      const target = resolveLocal(files, file, spec);
      if (!target) {
        violations.push([...chain, file, `${spec} (unresolved)`].join(" → "));
        continue;
      }
      // A server action is called from the browser by reference; its module stays on the server.
      if (directive(files.read(target)) === "use server") continue;
      if (!inBrowserFolder(target) && directive(files.read(target)) !== "use client") {
        violations.push([...chain, file, target].join(" → "));
        continue;
      }
      visit(target, [...chain, file]);
    }
  };
  for (const entry of entries) visit(entry, []);
  return violations;
}

/** An in-memory tree, to show the check catches what it should. */
function fakeFiles(tree: Record<string, string>): Files {
  return { exists: (rel) => rel in tree, read: (rel) => tree[rel], list: () => Object.keys(tree) };
}

describe("client/server boundary", () => {
  it("code the browser loads reaches only components, lib/shared, server actions and browser packages", () => {
    const entries = browserEntryPoints(diskFiles);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries).toContain("components/webhooks/policy-form.tsx");
    expect(boundaryViolations(diskFiles, entries)).toEqual([]);
  });

  it("finds a server module at the end of a chain, however deep, and names the chain", () => {
    const tree = fakeFiles({
      "components/form.tsx": `"use client";\nimport { a } from "@/lib/shared/a";\nimport { save } from "@/app/x/actions";`,
      "lib/shared/a.ts": `export { b } from "./b";`,
      "lib/shared/b.ts": `import type { Row } from "@/lib/db/client";\nimport { z } from "zod";`,
      "lib/db/client.ts": `import { PrismaClient } from "@prisma/client";`,
      "app/x/actions.ts": `// comment first\n"use server";\nimport { getDb } from "@/lib/db/client";`,
      "app/page.tsx": `import { getDb } from "@/lib/db/client";`,
      "app/widget.tsx": `'use client'\nimport crypto from "node:crypto";\nimport Link from "next/link";`,
    });
    expect(browserEntryPoints(tree)).toEqual(["components/form.tsx", "app/widget.tsx"]);
    expect(boundaryViolations(tree, browserEntryPoints(tree))).toEqual([
      "components/form.tsx → lib/shared/a.ts → lib/shared/b.ts → lib/db/client.ts",
      "app/widget.tsx → node:crypto",
    ]);
  });

  it("reads every form of import and re-export", () => {
    const source = [
      `import a from "m1";`,
      `import { b,\n  c } from "m2";`,
      `import type { D } from "m3";`,
      `export * from "m4";`,
      `export { e } from "m5";`,
      `import "m6";`,
      `const f = await import("m7");`,
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });
});
