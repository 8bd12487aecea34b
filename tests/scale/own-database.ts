/**
 * A database of a test file's own, apart from the shared test database (tests/global-setup.ts):
 * the engine tests run a delivery worker and a retention purge on the shared one, which would
 * take or delete this file's tasks. The file's getDb() is switched to it until `dispose`.
 * PostgreSQL (TEST_DATABASE=postgres): a new database on the same server; SQLite: a new file.
 * DATA_DIR (and so the instance secrets) stays shared, so worker processes can decrypt.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { resetEnvCache } from "@/lib/config/env";
import { disconnectDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";

export const onPostgres = () => process.env.TEST_DATABASE === "postgres";

export async function useOwnDatabase(label: string): Promise<{ env: NodeJS.ProcessEnv; dispose: () => Promise<void> }> {
  const shared = process.env.DATABASE_URL;
  let url: string;
  let remove: () => Promise<void>;
  if (onPostgres()) {
    const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const name = `harbor_${label}_${Date.now()}_${process.pid}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    remove = () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `harbor-${label}-`));
    url = `file:${path.join(dir, "harbor.db")}`;
    remove = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const env = { ...process.env, DATABASE_URL: url };
  await applyMigrations(env);
  await disconnectDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
  return {
    env,
    async dispose() {
      await disconnectDb();
      if (shared === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = shared;
      resetEnvCache();
      await remove();
    },
  };
}
