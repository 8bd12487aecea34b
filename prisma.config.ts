// Prisma CLI configuration: the JS schema engine with driver adapters, fully offline.
// The CLI picks the SQLite or PostgreSQL schema (and migration history) from DATABASE_URL.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { env } from "./lib/config/env";

// Skip the CLI's download of native engines; the JS engine never loads them. (This file configures
// the Prisma CLI's own process, outside the app: the one place besides lib/config that touches process.env.)
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= process.execPath;

const require = createRequire(import.meta.url);
const target = env().database;

if (target.provider === "postgresql") patchPgCatalogTypes();
else fs.mkdirSync(path.dirname(target.file), { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: target.provider === "postgresql" ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    if (target.provider === "postgresql") {
      const { PrismaPg } = require("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: target.url });
    }
    const { PrismaBetterSQLite3 } = require("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: target.url });
  },
});

// The WASM schema engine reads catalog columns of type `name` (OID 19) and `char` (OID 18), which
// adapter-pg cannot map; present them as `text` (OID 25). Only the CLI needs this.
function patchPgCatalogTypes() {
  const pg = require("pg");
  const original = pg.Client.prototype.query;
  type Result = { fields?: { dataTypeID: number }[] } | undefined;
  const fix = (res: Result | Result[]) => {
    for (const r of Array.isArray(res) ? res : [res]) {
      for (const f of r?.fields ?? []) if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = 25;
    }
    return res;
  };
  pg.Client.prototype.query = function (...args: unknown[]) {
    const last = args[args.length - 1];
    const cb = typeof last === "function" ? (args.pop() as (err: unknown, res: unknown) => void) : undefined;
    if (cb) return original.call(this, ...args, (err: unknown, res: Result) => cb(err, err ? res : fix(res)));
    const out = original.apply(this, args);
    return out && typeof out.then === "function" ? out.then(fix) : out;
  };
}
