import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, PG_SCHEMA_PATH, SQLITE_SCHEMA_PATH } from "@/lib/db/derive-schema";

const prisma = async (args: string[], env: Record<string, string | undefined>) =>
  (
    await promisify(execFile)(process.execPath, ["node_modules/prisma/build/index.js", ...args], {
      env: { ...process.env, ...env },
    })
  ).stdout;

function sqliteShape(file: string) {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare(
      "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY type, name",
    )
    .all() as { type: string; name: string; sql: string | null }[];
  db.close();
  return rows.map((r) => ({ ...r, sql: (r.sql ?? "").replace(/\s+/g, " ") }));
}

/** The triggers that bump ConfigVersion on every configuration write (lib/db/config-cache.ts). */
const CONFIG_VERSION_TRIGGERS = [
  "ApiKey_config_delete",
  "ApiKey_config_update",
  "Project_config_delete",
  "Project_config_update",
  "SystemSettings_config_insert",
  "SystemSettings_config_update",
  "WebhookPolicy_config_delete",
  "WebhookPolicy_config_insert",
  "WebhookPolicy_config_update",
  "WebhookTarget_config_delete",
  "WebhookTarget_config_insert",
  "WebhookTarget_config_update",
];

describe("one schema, two databases", () => {
  it("the PostgreSQL schema is derived from the SQLite one and up to date", () => {
    const derived = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA_PATH, "utf8"));
    expect(fs.readFileSync(PG_SCHEMA_PATH, "utf8")).toBe(derived);
  });

  it("the SQLite migration history builds exactly the schema", async () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-mig-"));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-push-"));
    try {
      await prisma(["migrate", "deploy"], { DATA_DIR: a, DATABASE_URL: "" });
      // The schema's own SQL, applied to an empty file (`db push` does not exit with the adapter).
      const sql = await prisma(
        ["migrate", "diff", "--from-empty", "--to-schema-datamodel", SQLITE_SCHEMA_PATH, "--script"],
        {},
      );
      const fresh = new Database(path.join(b, "harbor.db"));
      fresh.exec(sql);
      fresh.close();
      const migrated = sqliteShape(path.join(a, "harbor.db"));
      expect(migrated.length).toBeGreaterThan(10);
      // Triggers are not in Prisma's schema language: the migrations alone create them. A table a
      // later migration redefines loses its triggers, so the whole set is checked by name.
      const isTrigger = (r: { type: string }) => r.type === "trigger";
      expect(migrated.filter((r) => !isTrigger(r))).toEqual(sqliteShape(path.join(b, "harbor.db")));
      expect(migrated.filter(isTrigger).map((r) => r.name)).toEqual(CONFIG_VERSION_TRIGGERS);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  }, 60_000);

  it.runIf(process.env.TEST_DATABASE === "postgres")(
    "the PostgreSQL migration history builds exactly the schema",
    async () => {
      // The diff replays the history into the database it is given, so give it an empty one.
      const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
      const scratch = `harbor_shadow_${Date.now()}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${scratch}"`);
      try {
        const url = new URL(adminUrl);
        url.pathname = `/${scratch}`;
        const out = await prisma(
          [
            "migrate",
            "diff",
            "--from-migrations",
            "prisma/postgres/migrations",
            "--to-schema-datamodel",
            PG_SCHEMA_PATH,
            "--exit-code",
          ],
          { DATABASE_URL: url.toString() },
        );
        expect(out).toContain("No difference detected");
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
        await admin.end();
      }
    },
    60_000,
  );
});
