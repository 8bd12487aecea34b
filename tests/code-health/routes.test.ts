// Every route handler is built by apiRoute with a declared permission, and no route segment
// imports another segment's files. A new route.ts that forgets either fails here.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoute, routeDeclarationOf } from "@/lib/api/route";
import { PROJECT_PERMISSIONS, SYSTEM_PERMISSIONS } from "@/lib/auth/permissions";

const ROOT = path.resolve(__dirname, "../..");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Route segment config Next.js reads (not handlers). */
const SEGMENT_CONFIG = [
  "dynamic",
  "dynamicParams",
  "revalidate",
  "fetchCache",
  "runtime",
  "preferredRegion",
  "maxDuration",
];

function filesUnder(dir: string, match: (name: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(full, match);
    return match(e.name) ? [full] : [];
  });
}

const routeFiles = filesUnder(path.join(ROOT, "app"), (n) => n === "route.ts").map((f) => path.relative(ROOT, f));
const KNOWN_PERMISSIONS = new Set<string>([
  ...Object.keys(PROJECT_PERMISSIONS),
  ...SYSTEM_PERMISSIONS,
  "signed-in",
  "public",
  "registry-token",
]);

describe("route handlers", () => {
  it("finds the route files", () => {
    expect(routeFiles.length).toBeGreaterThan(25);
  });

  it.each(routeFiles)("%s exports only handlers built by apiRoute, each with a declared permission", async (file) => {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    const exported = Object.entries(mod);
    expect(
      exported.some(([name]) => HTTP_METHODS.includes(name)),
      `${file} exports no HTTP method`,
    ).toBe(true);
    for (const [name, value] of exported) {
      if (SEGMENT_CONFIG.includes(name)) continue;
      expect(HTTP_METHODS, `${file} exports ${name}, which is neither an HTTP method nor segment config`).toContain(
        name,
      );
      const declaration = routeDeclarationOf(value);
      expect(declaration, `${file} ${name} is not built by apiRoute`).toBeDefined();
      expect(KNOWN_PERMISSIONS, `${file} ${name} declares ${declaration!.permission}`).toContain(
        declaration!.permission,
      );
      // Scope and permission agree: "public" is said by public routes only, and only they say it.
      expect(declaration!.scope === "public").toBe(declaration!.permission === "public");
    }
  });

  it("the project routes of Harbor's API and the /v1 API check a project permission", async () => {
    for (const file of routeFiles.filter((f) => f.includes("[project_name_or_id]") || f.startsWith("app/v1/d"))) {
      const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!HTTP_METHODS.includes(name)) continue;
        const d = routeDeclarationOf(value)!;
        expect(["project", "key-project"], `${file} ${name}`).toContain(d.scope);
        expect(Object.keys(PROJECT_PERMISSIONS), `${file} ${name}`).toContain(d.permission);
      }
    }
  });

  it("a handler written by hand is not mistaken for one built by the wrapper", () => {
    expect(routeDeclarationOf(async () => new Response(null))).toBeUndefined();
    expect(routeDeclarationOf(undefined)).toBeUndefined();
  });

  it("a declaration without a permission is refused when the module loads", () => {
    const handler = async () => new Response(null);
    expect(() => apiRoute({ flavor: "v1" } as never, handler)).toThrow(/names no permission/);
    expect(() => apiRoute({ flavor: "harbor", project: "project_name_or_id" } as never, handler)).toThrow(
      /names no permission/,
    );
    expect(() => apiRoute({ flavor: "harbor", permission: "anything" } as never, handler)).toThrow(
      /names no permission/,
    );
    expect(routeDeclarationOf(apiRoute({ flavor: "v1", permission: "public" }, handler))).toEqual({
      flavor: "v1",
      scope: "public",
      permission: "public",
    });
  });
});

describe("route segments", () => {
  const sources = filesUnder(path.join(ROOT, "app"), (n) => /\.tsx?$/.test(n)).map((f) => path.relative(ROOT, f));

  it.each(sources)("%s imports no other segment's files (shared code lives in lib/)", (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]);
    const crossing = specifiers.filter((s) => s.startsWith("@/app/") || s.startsWith("../"));
    expect(crossing, file).toEqual([]);
  });
});
