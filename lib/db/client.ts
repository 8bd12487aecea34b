import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import fs from "node:fs";
import path from "node:path";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { env } from "@/lib/config/env";

// Both generated clients have the same model API (one schema, two providers); the SQLite
// client's type stands for both.
export type Db = SqliteClient;
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { harborDb?: Promise<Db> };

async function connect(): Promise<Db> {
  const { database, DB_POOL_SIZE, SQLITE_BUSY_TIMEOUT_MS } = env();
  if (database.provider === "postgresql") {
    const adapter = new PrismaPg({ connectionString: database.url, max: DB_POOL_SIZE });
    return new PostgresClient({ adapter }) as unknown as Db;
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  // busy timeout: web and worker processes share the file and wait for each other's writes.
  const adapter = new ImmediateTransactions({ url: database.url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const client = new SqliteClient({ adapter });
  // WAL lets readers run alongside the one writer; NORMAL sync is durable across process crashes.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  return client;
}

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE). With a plain
 * BEGIN, a transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when
 * another process committed in between; IMMEDIATE makes it wait (busy timeout) instead.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}

/** The process-wide database client. */
export function getDb(): Promise<Db> {
  globalForDb.harborDb ??= connect();
  return globalForDb.harborDb;
}

export function dialect(): "sqlite" | "postgresql" {
  return env().database.provider;
}

export async function disconnectDb() {
  const db = globalForDb.harborDb;
  globalForDb.harborDb = undefined;
  if (db) await (await db).$disconnect();
}
