// Derives prisma/postgres/schema.prisma from prisma/schema.prisma (the one source of truth).
// `--check` exits non-zero when the committed file is out of date.
import fs from "node:fs";
import { derivePostgresSchema, PG_SCHEMA_PATH, SQLITE_SCHEMA_PATH } from "../lib/db/derive-schema";

const derived = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA_PATH, "utf8"));
if (process.argv.includes("--check")) {
  const current = fs.existsSync(PG_SCHEMA_PATH) ? fs.readFileSync(PG_SCHEMA_PATH, "utf8") : "";
  if (current !== derived) {
    console.error(`${PG_SCHEMA_PATH} is out of date: run npm run db:derive`);
    process.exit(1);
  }
} else {
  fs.mkdirSync("prisma/postgres", { recursive: true });
  fs.writeFileSync(PG_SCHEMA_PATH, derived);
  console.log(`wrote ${PG_SCHEMA_PATH}`);
}
