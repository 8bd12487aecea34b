// Applies pending migrations to the configured database (SQLite file or PostgreSQL). A broken
// setup (DATA_DIR a file, a corrupted, locked or read-only SQLite file) is named in one line.
import { env } from "../lib/config/env";
import { applyMigrations } from "../lib/db/migrate";
import { checkDataSetup } from "../lib/process/preflight";

async function main() {
  checkDataSetup(env());
  await applyMigrations();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
