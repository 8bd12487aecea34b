// Applies pending migrations to the configured database (SQLite file or PostgreSQL).
import { applyMigrations } from "../lib/db/migrate";

applyMigrations().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
