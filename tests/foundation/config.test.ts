import { afterEach, describe, expect, it } from "vitest";
import path from "node:path";
import { env, resetEnvCache } from "@/lib/config/env";
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
