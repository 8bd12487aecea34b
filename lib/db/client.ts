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
    const client = (adapter as unknown as { client: { prepare(sql: string): { run(): unknown } } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    releaseLockWhenBeginFails(adapter, client);
    return adapter;
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
function releaseLockWhenBeginFails(adapter: SqliteAdapter, client: { prepare(sql: string): { run(): unknown } }) {
  const original = adapter.startTransaction.bind(adapter);
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  let tail: Promise<void> = Promise.resolve();
  adapter.startTransaction = async (isolationLevel) => {
    // Refusing an isolation level happens before the adapter takes its lock.
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") return original(isolationLevel);
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const previous = tail;
    tail = previous.then(() => mine);
    await previous;
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
