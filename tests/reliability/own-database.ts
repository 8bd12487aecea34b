/**
 * A database of a test's own, apart from the shared test database (tests/global-setup.ts): the
 * engine tests run a delivery worker on the shared one, and a worker of ours would take their
 * tasks (and theirs ours). Worker and ingest processes get `env`; the test reads the database with
 * its own client, while the in-process getDb() stays on the shared database.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";

export type OwnDatabase = {
  provider: "sqlite" | "postgresql";
  /** the environment for child processes (worker, ingest) on this database */
  env: NodeJS.ProcessEnv;
  /** PostgreSQL: the database name (for pg_terminate_backend) */
  name: string;
  /** a client of this database for the test's own reads and set-up */
  db: SqliteClient;
  dispose: () => Promise<void>;
};

export const usesPostgres = () => process.env.TEST_DATABASE === "postgres";

export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `harbor-${label}-`));
  const name = `harbor_${label.replace(/\W/g, "_")}_${Date.now()}_${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    // Both children must read the same secrets; generating them in two processes at once would race.
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64"),
    ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
    LOG_LEVEL: "warn",
    NODE_ENV: "test",
  };
  let dropDatabase: () => Promise<void> = async () => undefined;
  let db: SqliteClient;
  if (usesPostgres()) {
    const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    db = new PostgresClient({
      adapter: new PrismaPg({ connectionString: env.DATABASE_URL, max: 4 }),
    }) as unknown as SqliteClient;
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  } else {
    env.DATABASE_URL = "";
    const file = path.join(dataDir, "harbor.db");
    db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 }) });
  }
  await applyMigrationSql(env);
  if (!usesPostgres()) await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.systemSettings.upsert({ where: { id: 1 }, update: {}, create: { id: 1 } });
  return {
    provider: usesPostgres() ? "postgresql" : "sqlite",
    env,
    name,
    db,
    dispose: async () => {
      await db.$disconnect().catch(() => undefined);
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The migration files, run in order: the schema `prisma migrate deploy` builds (without its
 * bookkeeping table, which only the CLI reads), in a fraction of a second instead of ~10 s on
 * PostgreSQL for the CLI's schema engine.
 */
async function applyMigrationSql(env: NodeJS.ProcessEnv) {
  const dir = usesPostgres() ? "prisma/postgres/migrations" : "prisma/migrations";
  const files = fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, "migration.sql")))
    .sort()
    .map((d) => path.join(dir, d, "migration.sql"));
  if (usesPostgres()) {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    try {
      for (const f of files) await c.query(fs.readFileSync(f, "utf8"));
    } finally {
      await c.end();
    }
  } else {
    const sqlite = new Database(path.join(env.DATA_DIR!, "harbor.db"));
    try {
      for (const f of files) sqlite.exec(fs.readFileSync(f, "utf8"));
    } finally {
      sqlite.close();
    }
  }
}
