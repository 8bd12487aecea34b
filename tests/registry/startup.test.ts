// Upgrades and binding: `npm start` rebuilds when a build input is newer than .next/BUILD_ID
// (scripts/build-freshness.ts); HOST and METRICS_TOKEN are parsed by lib/config/env.ts; the
// /metrics bearer check; the registry snippet's loopback warning and token placeholder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "@/lib/config/env";
import { metricsAuthorized } from "@/lib/metrics/access";
import { registryConfigSnippet, TOKEN_PLACEHOLDER, unreachableUrlWarning } from "@/lib/webhooks-ui/registry-config";
import { buildFreshness } from "../../scripts/build-freshness";

describe("build freshness", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A checkout: app/page.tsx, lib/a.ts, a test file and a generated client, each with its mtime (seconds ago). */
  function checkout(ages: Record<string, number | undefined>) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-fresh-"));
    dirs.push(root);
    const now = Date.now() / 1000;
    for (const [rel, age] of Object.entries(ages)) {
      if (age === undefined) continue;
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, "x");
      fs.utimesSync(file, now - age, now - age);
    }
    return root;
  }

  it("wants a build when there is none", () => {
    const root = checkout({ "app/page.tsx": 100 });
    expect(buildFreshness(root)).toEqual({
      fresh: false,
      reason: "missing",
      message: "No production build found",
    });
  });

  it("is fresh when the build is newer than every input", () => {
    const root = checkout({ "app/page.tsx": 100, "lib/a.ts": 50, ".next/BUILD_ID": 10 });
    expect(buildFreshness(root)).toEqual({ fresh: true });
  });

  it("names the newest input changed after the build (a git pull)", () => {
    const root = checkout({ "app/page.tsx": 100, "lib/a.ts": 5, "prisma/schema.prisma": 50, ".next/BUILD_ID": 10 });
    expect(buildFreshness(root)).toEqual({
      fresh: false,
      reason: "stale",
      file: path.join("lib", "a.ts"),
      message: `${path.join("lib", "a.ts")} changed after the last build`,
    });
    const pulled = checkout({ "app/page.tsx": 100, "prisma/schema.prisma": 1, ".next/BUILD_ID": 10 });
    expect(buildFreshness(pulled)).toMatchObject({ fresh: false, file: path.join("prisma", "schema.prisma") });
  });

  it("ignores tests beside the code, the generated Prisma clients and the files npm rewrites", () => {
    const root = checkout({
      "app/page.tsx": 100,
      "package-lock.json": 1,
      "package.json": 1,
      "lib/a.test.ts": 1,
      "lib/generated/sqlite/client.ts": 1,
      "e2e/x.spec.ts": 1,
      ".next/BUILD_ID": 10,
    });
    expect(buildFreshness(root)).toEqual({ fresh: true });
  });
});

describe("HOST and METRICS_TOKEN", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });
  const load = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
    return env();
  };

  it("HOST: unset or empty binds every interface (no -H); an address is kept", () => {
    expect(load({ HOST: undefined }).HOST).toBeUndefined();
    expect(load({ HOST: "" }).HOST).toBeUndefined();
    expect(load({ HOST: "127.0.0.1" }).HOST).toBe("127.0.0.1");
    expect(load({ HOST: "::1" }).HOST).toBe("::1");
    expect(load({ HOST: " 0.0.0.0 " }).HOST).toBe("0.0.0.0");
  });

  it.each(["http://0.0.0.0", "127.0.0.1 --inspect", "a;b"])("HOST %j stops the process, naming it", (value) => {
    expect(() => load({ HOST: value })).toThrow(/^Invalid configuration:\n {2}HOST: /);
  });

  it("METRICS_TOKEN: unset means open /metrics; a short one is refused", () => {
    expect(load({ METRICS_TOKEN: undefined }).METRICS_TOKEN).toBeUndefined();
    expect(load({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
    expect(load({ METRICS_TOKEN: "0123456789abcdef" }).METRICS_TOKEN).toBe("0123456789abcdef");
    expect(() => load({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });

  it("the /metrics check takes exactly `Bearer <token>`", () => {
    const token = "0123456789abcdef";
    expect(metricsAuthorized(null, undefined)).toBe(true);
    expect(metricsAuthorized("anything", undefined)).toBe(true);
    expect(metricsAuthorized(`Bearer ${token}`, token)).toBe(true);
    expect(metricsAuthorized(`bearer ${token}`, token)).toBe(true);
    expect(metricsAuthorized(null, token)).toBe(false);
    expect(metricsAuthorized(`Bearer ${token}x`, token)).toBe(false);
    expect(metricsAuthorized(`Basic ${token}`, token)).toBe(false);
    expect(metricsAuthorized(`Bearer ${token} extra`, token)).toBe(false);
  });
});

describe("registry snippet", () => {
  it.each([
    ["http://localhost:3000/service/notifications", "localhost"],
    ["http://127.0.0.1:3202/service/notifications", "127.0.0.1"],
    ["http://[::1]:3000/service/notifications", "::1"],
    ["http://app.localhost/service/notifications", "app.localhost"],
  ])("warns that a registry elsewhere cannot reach %s", (url, host) => {
    expect(unreachableUrlWarning(url)).toMatch(
      new RegExp(`points at ${host.replace(/\./g, "\\.")}: a registry in a container`),
    );
  });

  it.each(["https://notifier.example.com/service/notifications", "http://10.0.0.4:3000/service/notifications"])(
    "does not warn about %s",
    (url) => expect(unreachableUrlWarning(url)).toBeUndefined(),
  );

  it("carries the placeholder the form replaces with the token just generated", () => {
    const snippet = registryConfigSnippet("https://n.example.com/service/notifications");
    expect(snippet).toContain(`Authorization: [Bearer ${TOKEN_PLACEHOLDER}]`);
    expect(snippet.split(TOKEN_PLACEHOLDER)).toHaveLength(2);
  });
});
