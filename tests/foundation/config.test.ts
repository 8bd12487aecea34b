import { afterEach, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { childEnv, env, resetEnvCache } from "@/lib/config/env";
import { resolveDatabase } from "@/lib/config/database-url";
import { decryptSecret, encryptSecret, safeEqual } from "@/lib/crypto/secret-box";

describe("configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  it("names the variable at fault", () => {
    process.env.PORT = "not-a-port";
    resetEnvCache();
    expect(() => env()).toThrow(/PORT/);
    process.env.PORT = "3000";
    process.env.DATABASE_URL = "mysql://x";
    resetEnvCache();
    expect(() => env()).toThrow(/DATABASE_URL/);
  });

  it.each([
    ["API_RATE_LIMIT_PER_MINUTE", "12OO"], // letter O: must not switch rate limiting off
    ["API_RATE_LIMIT_PER_MINUTE", "0"],
    ["WORKER_METRICS_PORT", "abc"],
    ["WORKER_METRICS_PORT", "70000"],
    ["LOG_LEVEL", "loud"],
    ["HARBOR_ROLE", "scheduler"],
    ["HARBOR_NO_WORKER", "yes"],
    ["SQLITE_BUSY_TIMEOUT_MS", "soon"],
  ])("a bad %s (%s) stops the process, naming it", (name, value) => {
    process.env[name] = value;
    resetEnvCache();
    expect(() => env()).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it("parses the rate limit, worker metrics, role and flags, with their defaults", () => {
    for (const name of [
      "API_RATE_LIMIT_PER_MINUTE",
      "WORKER_METRICS_PORT",
      "WORKER_METRICS_HOST",
      "HARBOR_ROLE",
      "HARBOR_NO_WORKER",
      "SQLITE_BUSY_TIMEOUT_MS",
    ])
      delete process.env[name];
    resetEnvCache();
    expect(env().WORKER_METRICS_PORT).toBeUndefined();
    expect(env()).toMatchObject({
      API_RATE_LIMIT_PER_MINUTE: 1200,
      WORKER_METRICS_HOST: "127.0.0.1",
      HARBOR_ROLE: "web",
      HARBOR_NO_WORKER: false,
      SQLITE_BUSY_TIMEOUT_MS: 10_000,
    });

    Object.assign(process.env, {
      API_RATE_LIMIT_PER_MINUTE: "50",
      WORKER_METRICS_PORT: "9464",
      WORKER_METRICS_HOST: "0.0.0.0",
      HARBOR_NO_WORKER: "1",
    });
    resetEnvCache();
    expect(env()).toMatchObject({
      API_RATE_LIMIT_PER_MINUTE: 50,
      WORKER_METRICS_PORT: 9464,
      WORKER_METRICS_HOST: "0.0.0.0",
      HARBOR_NO_WORKER: true,
    });
  });

  it("a worker waits for SQLite's lock with timers: its busy timeout defaults to 5 ms, unless set", () => {
    delete process.env.SQLITE_BUSY_TIMEOUT_MS;
    process.env.HARBOR_ROLE = "worker";
    resetEnvCache();
    expect(env().SQLITE_BUSY_TIMEOUT_MS).toBe(5);
    process.env.SQLITE_BUSY_TIMEOUT_MS = "250";
    resetEnvCache();
    expect(env().SQLITE_BUSY_TIMEOUT_MS).toBe(250);
  });

  it("children get this process's environment plus overrides; ours stays unchanged", () => {
    const child = childEnv({ HARBOR_ROLE: "worker" });
    expect(child.HARBOR_ROLE).toBe("worker");
    expect(child.DATA_DIR).toBe(process.env.DATA_DIR);
    expect(process.env.HARBOR_ROLE).toBeUndefined();
  });

  it("the User-Agent carries the version package.json states", async () => {
    const { USER_AGENT } = await import("@/lib/delivery/http-sender");
    const pkg = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")) as { version: string };
    expect(USER_AGENT).toBe(`HarborNotifier/${pkg.version}`);
  });

  it("loading the logger reads no configuration; its first line does (and a bad LOG_LEVEL stops it)", async () => {
    vi.resetModules();
    process.env.LOG_LEVEL = "loud";
    const { logger } = await import("@/lib/log/logger");
    expect(() => logger.info("first line")).toThrow(/LOG_LEVEL/);
  });

  it("defaults to a SQLite file under DATA_DIR and recognises PostgreSQL URLs", () => {
    expect(resolveDatabase({ DATA_DIR: "/tmp/x" })).toEqual({
      provider: "sqlite",
      url: "file:/tmp/x/harbor.db",
      file: "/tmp/x/harbor.db",
    });
    expect(resolveDatabase({})).toMatchObject({ provider: "sqlite", file: path.resolve("data/harbor.db") });
    expect(resolveDatabase({ DATABASE_URL: "postgres://u@h/db" })).toEqual({
      provider: "postgresql",
      url: "postgres://u@h/db",
    });
  });
});

describe("secrets at rest", () => {
  it("round-trips, differs every time, and detects tampering", () => {
    const a = encryptSecret("Basic dXNlcjpwYXNz");
    const b = encryptSecret("Basic dXNlcjpwYXNz");
    expect(a).not.toBe(b);
    expect(a).not.toContain("dXNlcjpwYXNz");
    expect(decryptSecret(a)).toBe("Basic dXNlcjpwYXNz");
    const raw = Buffer.from(a.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => decryptSecret("v1:" + raw.toString("base64"))).toThrow();
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
  });
});
