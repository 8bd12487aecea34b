export const SQLITE_SCHEMA_PATH = "prisma/schema.prisma";
export const PG_SCHEMA_PATH = "prisma/postgres/schema.prisma";

/** The PostgreSQL schema is the SQLite one with another provider and client output. */
export function derivePostgresSchema(sqlite: string): string {
  const out = sqlite
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output     = "../lib/generated/sqlite"', 'output     = "../../lib/generated/postgres"')
    .replace('url      = "file:./unused.db"', 'url      = "postgresql://unused"');
  if (out === sqlite) throw new Error("prisma/schema.prisma no longer has the expected datasource/generator lines");
  return "// GENERATED from prisma/schema.prisma by `npm run db:derive`; do not edit.\n" + out;
}
