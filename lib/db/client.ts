import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { env } from "@/lib/config/env";

// Both generated clients have the same model API (one schema, two providers); the SQLite
// client's type stands for both.
export type Db = SqliteClient;
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * The driver under Prisma, for the delivery hot path (lib/db/raw.ts): the very connection Prisma
 * uses on SQLite, with its in-process transaction lock; the very pool on PostgreSQL.
 */
export type Driver =
  { kind: "sqlite"; db: BetterSqlite3.Database; lock: ConnectionLock } | { kind: "postgresql"; pool: pg.Pool };

const globalForDb = globalThis as unknown as { harborDb?: Promise<{ db: Db; driver: () => Driver }> };

async function connect(): Promise<{ db: Db; driver: () => Driver }> {
  const { database, DB_POOL_SIZE, SQLITE_BUSY_TIMEOUT_MS } = env();
  if (database.provider === "postgresql") {
    const pool = new pg.Pool({ connectionString: database.url, max: DB_POOL_SIZE });
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    const driver: Driver = { kind: "postgresql", pool };
    return { db: new PostgresClient({ adapter }) as unknown as Db, driver: () => driver };
  }
  fs.mkdirSync(path.dirname(database.file), { recursive: true });
  // busy timeout: web and worker processes share the file and wait for each other's writes.
  const adapter = new ImmediateTransactions({ url: database.url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const client = new SqliteClient({ adapter });
  // WAL lets readers run alongside the one writer; NORMAL sync is durable across process crashes.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  return { db: client, driver: () => adapter.driver() };
}

/**
 * One transaction at a time on a connection, in this process, whether Prisma's or the hot
 * path's; `acquire` resolves with the function that gives the connection back.
 */
export class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    await previous;
    return release;
  }
}

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE). With a plain
 * BEGIN, a transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT when
 * another process committed in between; IMMEDIATE makes it wait (busy timeout) instead.
 */
class ImmediateTransactions extends PrismaBetterSQLite3 {
  private connected?: Driver;

  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql)) as typeof client.prepare;
    const lock = new ConnectionLock();
    releaseLockWhenBeginFails(adapter, client, lock);
    this.connected = { kind: "sqlite", db: client, lock };
    return adapter;
  }

  driver(): Driver {
    if (!this.connected) throw new Error("the SQLite connection is not open yet");
    return this.connected;
  }
}

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqliteTransaction = Awaited<ReturnType<SqliteAdapter["startTransaction"]>>;

/**
 * The adapter (6.19) takes its in-process transaction lock before BEGIN and keeps it when BEGIN
 * fails: one SQLITE_BUSY on BEGIN IMMEDIATE (likely with the worker's short busy timeout) left
 * every later transaction of the process waiting forever. The same transactions, with a lock that
 * is given back when BEGIN throws.
 */
function releaseLockWhenBeginFails(adapter: SqliteAdapter, client: BetterSqlite3.Database, lock: ConnectionLock) {
  const original = adapter.startTransaction.bind(adapter);
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    // Refusing an isolation level happens before the adapter takes its lock.
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") return original(isolationLevel);
    const release = await lock.acquire();
    try {
      client.prepare("BEGIN").run();
    } catch (e) {
      release();
      onError(e);
    }
    let done = false;
    const finish = () => {
      if (!done) release();
      done = true;
      return Promise.resolve();
    };
    const tx: SqliteTransaction = {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      options: { usePhantomQuery: false },
      queryRaw: (query) => adapter.queryRaw(query),
      executeRaw: (query) => adapter.executeRaw(query),
      commit: finish,
      rollback: finish,
    };
    return tx;
  };
}

function connection() {
  globalForDb.harborDb ??= connect();
  return globalForDb.harborDb;
}

/** The process-wide database client. */
export async function getDb(): Promise<Db> {
  return (await connection()).db;
}

/** The driver under the process-wide client (see Driver). */
export async function getDriver(): Promise<Driver> {
  return (await connection()).driver();
}

export function dialect(): "sqlite" | "postgresql" {
  return env().database.provider;
}

export async function disconnectDb() {
  const db = globalForDb.harborDb;
  globalForDb.harborDb = undefined;
  if (db) await (await db).db.$disconnect();
}
