// A shipped migration's own SQL, for tests that put a database back in the shape before it and
// migrate it again with existing data.
import fs from "node:fs";
import { dialect } from "@/lib/db/client";
import { rawExecute } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";

/** The statements of migration `name` for the database under test, comments left out. */
export function migrationStatements(name: string): string[] {
  const dir = dialect() === "postgresql" ? "prisma/postgres/migrations" : "prisma/migrations";
  const text = fs.readFileSync(`${dir}/${name}/migration.sql`, "utf8");
  return text
    .split("\n")
    .filter((l) => !l.startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Runs migration `name`'s statements, one by one, on the database under test. */
export async function applyMigration(name: string): Promise<void> {
  for (const statement of migrationStatements(name)) await rawExecute(Prisma.raw(statement));
}
