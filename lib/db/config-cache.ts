import { rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";

/**
 * What every API request reads (its API key, the project, the delivery switch, the project's
 * policies and targets), kept in this process's memory for as long as the database's one-row
 * ConfigVersion keeps its version. Triggers bump that version in the same transaction as any change
 * to those rows (prisma/migrations/*_config_version), so a revoked key or a disabled policy takes
 * effect at the next request in every process: each request reads the version (a primary-key read)
 * before it trusts what is in memory.
 */
export type ConfigSnapshot = {
  /**
   * `load()`'s value under `key`, loaded once per version. Null and undefined are not kept (an
   * unknown API key is looked up again: a key created later must work at once).
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
};

/** Entries one snapshot keeps at most; past it the snapshot starts over (memory never grows with input). */
export const MAX_CACHED_ENTRIES = 10_000;

class Snapshot implements ConfigSnapshot {
  private readonly entries = new Map<string, Promise<unknown>>();
  constructor(readonly version: number) {}

  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const held = this.entries.get(key) as Promise<T> | undefined;
    if (held) return held;
    if (this.entries.size >= MAX_CACHED_ENTRIES) this.entries.clear();
    const loading = load().then(
      (value) => {
        if (value === null || value === undefined) this.entries.delete(key);
        return value;
      },
      (err: unknown) => {
        this.entries.delete(key);
        throw err;
      },
    );
    this.entries.set(key, loading);
    return loading;
  }
}

let current: Snapshot | undefined;

async function readVersion(): Promise<number> {
  const [row] = await rawQuery<{ version: unknown }>(Prisma.sql`SELECT "version" FROM "ConfigVersion" WHERE "id" = 1`);
  // A database without the row still works: nothing is kept (-1 is never a row's version).
  return row ? Number(row.version) : -1;
}

type Waiter = { resolve(version: number): void; reject(err: unknown): void };
let reading = false;
let waiting: Waiter[] = [];

/**
 * The version as of now. Concurrent callers share one read, but only a read that began after they
 * called (one under way may predate a change they must see): callers that arrive while a read is
 * under way share the next one, started when it ends.
 */
function versionNow(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    waiting.push({ resolve, reject });
    if (!reading) startRead();
  });
}

function startRead() {
  const batch = waiting;
  waiting = [];
  reading = true;
  readVersion()
    .then(
      (v) => batch.forEach((w) => w.resolve(v)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    )
    .finally(() => {
      reading = false;
      if (waiting.length > 0) startRead();
    });
}

/** The snapshot for the database's current version (a new, empty one when it changed). */
export async function configSnapshot(): Promise<ConfigSnapshot> {
  const version = await versionNow();
  if (version < 0) return new Snapshot(version);
  if (current?.version !== version) current = new Snapshot(version);
  return current;
}

/**
 * The snapshot of one request, its version read at its first use: a request refused before it
 * needs anything from the database (no credentials) never reads it.
 */
export function snapshotOnFirstUse(): ConfigSnapshot {
  let snapshot: Promise<ConfigSnapshot> | undefined;
  return { memo: async (key, load) => (await (snapshot ??= configSnapshot())).memo(key, load) };
}
