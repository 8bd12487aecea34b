/**
 * A database of a test file's own, apart from the shared test database (tests/global-setup.ts):
 * a worker (or a retention purge) on one database would take (or delete) another file's tasks.
 * PostgreSQL (TEST_DATABASE=postgres): a new database on the same server; SQLite: a new file.
 * Built from the migration files, so it is the schema `prisma migrate deploy` builds.
 *
 * - createOwnDatabase: for tests that drive child processes (worker, ingest agent) with `env` and
 *   read with their own client `db`; the children get a data directory and secrets of their own.
 * - useOwnDatabase: for tests that run the app's code in-process: this process's getDb() is
 *   switched to the new database until `dispose`. DATA_DIR (and so the instance secrets) stays
 *   shared, so child processes started with `env` decrypt what this process encrypted.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import { resetEnvCache } from "@/lib/config/env";
import { disconnectDb, getDb } from "@/lib/db/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";

export const onPostgres = () => process.env.TEST_DATABASE === "postgres";

type Created = {
  provider: "sqlite" | "postgresql";
  /** the environment for child processes (worker, ingest) on this database */
  env: NodeJS.ProcessEnv;
  /** PostgreSQL: the database name (for pg_terminate_backend) */
  name: string;
  dispose: () => Promise<void>;
};

/** createOwnDatabase's: with a client of the database for the test's own reads and set-up */
export type OwnDatabase = Created & { db: SqliteClient };

const adminUrl = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function onServer(sql: string, connectionString = adminUrl()) {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * Which migrations build a new database: all of them, or (`before`) only those older than the
 * named one, for a test that migrates data written in the earlier shape.
 */
export type MigrationCut = { before?: string };

/** An empty database with the schema; `remove` drops it and its directory. */
async function newDatabase(label: string, cut: MigrationCut = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `harbor-${label}-`));
  const name = `harbor_${label.replace(/\W/g, "_")}_${Date.now()}_${process.pid}`;
  let url: string;
  if (onPostgres()) {
    await onServer(`CREATE DATABASE "${name}"`);
    const u = new URL(adminUrl());
    u.pathname = `/${name}`;
    url = u.toString();
  } else {
    url = `file:${path.join(dir, "harbor.db")}`;
  }
  await applyMigrationSql(url, cut);
  return {
    dir,
    name,
    url,
    remove: async () => {
      if (onPostgres()) await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The migration files, run in order: the schema `prisma migrate deploy` builds (without its
 * bookkeeping table, which only the CLI reads), in a fraction of a second instead of ~10 s on
 * PostgreSQL for the CLI's schema engine.
 */
async function applyMigrationSql(url: string, cut: MigrationCut = {}) {
  const dir = onPostgres() ? "prisma/postgres/migrations" : "prisma/migrations";
  const files = fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")))
    .filter((d) => cut.before === undefined || d < cut.before)
    .sort()
    .map((d) => fs.readFileSync(path.join(dir, d, "migration.sql"), "utf8"));
  await runSqlScripts(url, files);
}

/**
 * Runs one migration, as `prisma migrate deploy` would, on the database of `useOwnDatabase`'s
 * `env`; with `andLater`, the migrations after it too (the schema this code's client reads).
 */
export async function applyMigration(env: NodeJS.ProcessEnv, name: string, opts: { andLater?: boolean } = {}) {
  const dir = onPostgres() ? "prisma/postgres/migrations" : "prisma/migrations";
  const names = opts.andLater
    ? fs
        .readdirSync(dir)
        .filter((d) => d >= name && fs.existsSync(path.join(dir, d, "migration.sql")))
        .sort()
    : [name];
  await runSqlScripts(
    env.DATABASE_URL!,
    names.map((d) => fs.readFileSync(path.join(dir, d, "migration.sql"), "utf8")),
  );
}

async function runSqlScripts(url: string, files: string[]) {
  if (onPostgres()) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const sql of files) await c.query(sql);
    } finally {
      await c.end();
    }
  } else {
    const sqlite = new Database(url.slice("file:".length));
    try {
      for (const sql of files) sqlite.exec(sql);
      sqlite.pragma("journal_mode = WAL");
    } finally {
      sqlite.close();
    }
  }
}

/** A database for child processes, and `db`, a client of it for the test's own reads and set-up. */
export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const created = await newDatabase(label);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: created.url,
    DATA_DIR: created.dir,
    // Every child must read the same secrets; generating them in two processes at once would race.
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64"),
    ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
    LOG_LEVEL: "warn",
    NODE_ENV: "test",
  };
  // The PostgreSQL client is typed as the SQLite one, as lib/db/client.ts does: the models agree.
  const db = onPostgres()
    ? (new PostgresClient({
        adapter: new PrismaPg({ connectionString: created.url, max: 4 }),
      }) as unknown as SqliteClient)
    : new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: created.url, timeout: 10_000 }) });
  await db.systemSettings.upsert({ where: { id: 1 }, update: {}, create: { id: 1 } });
  return {
    provider: onPostgres() ? "postgresql" : "sqlite",
    env,
    name: created.name,
    db,
    dispose: async () => {
      await db.$disconnect().catch(() => undefined);
      await created.remove();
    },
  };
}

/** A database that this process's getDb() uses until `dispose` (then the shared one again). */
export async function useOwnDatabase(label: string, cut: MigrationCut = {}): Promise<Created> {
  const shared = process.env.DATABASE_URL;
  const created = await newDatabase(label, cut);
  await disconnectDb();
  process.env.DATABASE_URL = created.url;
  resetEnvCache();
  const db = await getDb();
  // A database cut before a migration has an older settings table than this code's client reads.
  if (cut.before === undefined) await db.systemSettings.upsert({ where: { id: 1 }, update: {}, create: { id: 1 } });
  return {
    provider: onPostgres() ? "postgresql" : "sqlite",
    env: { ...process.env },
    name: created.name,
    dispose: async () => {
      await disconnectDb();
      if (shared === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = shared;
      resetEnvCache();
      await created.remove();
    },
  };
}
