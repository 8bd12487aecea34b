import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../lib/db/migrate";

/**
 * A fresh database for every run: a SQLite file in a temp directory, or (TEST_DATABASE=postgres)
 * a new database on the local PostgreSQL server, dropped afterwards. Test files share it and
 * create their own projects, so they never collide.
 */
export default async function setup() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-test-"));
  process.env.DATA_DIR = dataDir;
  (process.env as Record<string, string>).NODE_ENV = "test";
  process.env.LOG_LEVEL ??= "silent";
  process.env.ALLOWED_NETWORKS ??= "127.0.0.0/8,::1/128";
  let drop: (() => Promise<void>) | undefined;

  if (process.env.TEST_DATABASE === "postgres") {
    const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const name = `harbor_test_${Date.now()}_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`TEST_DATABASE=postgres but PostgreSQL at ${adminUrl} is unreachable: ${(err as Error).message}`);
    }
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  } else {
    delete process.env.DATABASE_URL;
  }
  await applyMigrations(process.env);
  return async () => {
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
