import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { getDriver, type Driver, type Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/sql";

/**
 * The delivery hot path's SQL (claim, load, record), run on the driver under Prisma: through
 * `$queryRaw`, Prisma's client and its query compiler cost more CPU than the statements
 * themselves. Statements are `Prisma.sql` templates, so values are always bound parameters.
 * Values are written as Prisma writes them (SQLite: ISO 8601 text with `+00:00`, booleans 0/1;
 * PostgreSQL: UTC `timestamp(3)` text), so rows stay readable and comparable by Prisma.
 */
export type Row = Record<string, unknown>;

/**
 * A stopwatch the benchmark sets (scripts/bench/statements.ts) to measure the wall time of each
 * statement run here, commits included; unset, it costs one check per statement.
 */
export const statementClock: { record?: (text: string, ms: number) => void } = {};

function timed<T>(text: string, run: () => T): T {
  const record = statementClock.record;
  if (!record) return run();
  const t = performance.now();
  const result = run();
  if (result instanceof Promise) return result.finally(() => record(text, performance.now() - t)) as T;
  record(text, performance.now() - t);
  return result;
}
export type RawRunner = {
  query<T = Row>(sql: Prisma.Sql): Promise<T[]>;
  execute(sql: Prisma.Sql): Promise<number>;
};

/** A Prisma interactive transaction as a runner, for writers shared by the hot path and the services. */
export function prismaRunner(tx: Tx): RawRunner {
  return {
    query: <T>(sql: Prisma.Sql) => tx.$queryRaw<T[]>(sql),
    execute: (sql) => tx.$executeRaw(sql),
  };
}

/** A timestamp column's value as the driver returns it (SQLite: ISO text; PostgreSQL: a Date). */
export const driverDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

export async function rawQuery<T = Row>(sql: Prisma.Sql): Promise<T[]> {
  const driver = await getDriver();
  if (driver.kind === "postgresql") return pgRunner(driver.pool).query<T>(sql);
  return withLock(driver, () => sqliteRunner(driver.db).query<T>(sql));
}

export async function rawExecute(sql: Prisma.Sql): Promise<number> {
  const driver = await getDriver();
  if (driver.kind === "postgresql") return pgRunner(driver.pool).execute(sql);
  return withLock(driver, () => sqliteRunner(driver.db).execute(sql));
}

/**
 * A transaction. SQLite: BEGIN IMMEDIATE on Prisma's connection while holding its transaction
 * lock (a busy database throws SQLITE_BUSY for the caller's retryBusy). PostgreSQL: one pooled
 * connection from BEGIN to COMMIT.
 */
export async function rawTransaction<T>(fn: (tx: RawRunner) => Promise<T>): Promise<T> {
  const driver = await getDriver();
  if (driver.kind === "postgresql") {
    const client = await driver.pool.connect();
    let broken: Error | undefined;
    // A connection that drops (a terminated backend) fails the statement under way; without a
    // listener its 'error' event would also end the process.
    const onError = (err: Error) => (broken = err);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await fn(pgRunner(client));
      await timed("COMMIT", () => client.query("COMMIT"));
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.off("error", onError);
      // A broken connection (dropped, or unable to roll back) is closed, not given back.
      client.release(broken);
    }
  }
  const release = await driver.lock.acquire();
  try {
    statement(driver.db, "BEGIN IMMEDIATE").run();
  } catch (err) {
    release();
    throw err;
  }
  try {
    const result = await fn(sqliteRunner(driver.db));
    timed("COMMIT", () => statement(driver.db, "COMMIT").run());
    return result;
  } catch (err) {
    if (driver.db.inTransaction) statement(driver.db, "ROLLBACK").run();
    throw err;
  } finally {
    release();
  }
}

// --- SQLite ---------------------------------------------------------------------------------

/** Statements by text: preparing costs as much as running a small one. Bounded, oldest out. */
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
const MAX_STATEMENTS = 256;

function statement(db: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    cache.set(text, stmt);
  }
  return stmt;
}

const sqliteValue = (v: unknown) =>
  v === undefined || v === null
    ? null
    : v instanceof Date
      ? v.toISOString().replace("Z", "+00:00")
      : typeof v === "boolean"
        ? v
          ? 1
          : 0
        : v;

function sqliteRunner(db: BetterSqlite3.Database): RawRunner {
  const bound = (sql: Prisma.Sql) => ({ stmt: statement(db, sql.sql), values: sql.values.map(sqliteValue) });
  return {
    query: async <R>(sql: Prisma.Sql) =>
      timed(sql.sql, () => {
        const { stmt, values } = bound(sql);
        if (stmt.reader) return stmt.all(...values) as R[];
        stmt.run(...values);
        return [];
      }),
    execute: async (sql) =>
      timed(sql.sql, () => {
        const { stmt, values } = bound(sql);
        return stmt.reader ? stmt.all(...values).length : stmt.run(...values).changes;
      }),
  };
}

/** Outside a transaction, a statement waits for a transaction of this process to end first. */
async function withLock<T>(driver: Extract<Driver, { kind: "sqlite" }>, fn: () => Promise<T>): Promise<T> {
  const release = await driver.lock.acquire();
  try {
    return await fn();
  } finally {
    release();
  }
}

// --- PostgreSQL -----------------------------------------------------------------------------

const TIMESTAMP_OID = 1114;
/** `timestamp(3)` columns hold UTC (as Prisma writes them); pg would read them as local time. */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID
      ? (s: string) => new Date(`${s.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

const pgValue = (v: unknown) =>
  v === undefined ? null : v instanceof Date ? v.toISOString().replace("T", " ").replace("Z", "") : v;

function pgRunner(client: pg.Pool | pg.PoolClient): RawRunner {
  const run = (sql: Prisma.Sql) =>
    timed(sql.text, () => client.query({ text: sql.text, values: sql.values.map(pgValue), types: pgTypes }));
  return {
    query: async <R>(sql: Prisma.Sql) => (await run(sql)).rows as R[],
    execute: async (sql) => (await run(sql)).rowCount ?? 0,
  };
}
