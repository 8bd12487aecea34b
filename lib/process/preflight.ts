import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Env } from "@/lib/config/env";

/** A start-up problem said in one line, naming the file or setting and what to do. */
export class StartupProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupProblem";
  }
}

/** How long the check waits for another process's lock on the SQLite file. */
const LOCK_WAIT_MS = 2_000;

/**
 * Checks what `npm start` and `npm run db:migrate` need before they touch the database, so a
 * broken setup is named in plain words instead of a schema-engine stack trace: DATA_DIR must be a
 * directory this process can write, and a SQLite file must be a database it can open and write.
 */
export function checkDataSetup(config: Pick<Env, "DATA_DIR" | "database">): void {
  const dataDir = path.resolve(config.DATA_DIR);
  ensureDirectory(dataDir, `DATA_DIR (${dataDir})`);
  if (config.database.provider !== "sqlite") return;
  const file = config.database.file;
  ensureDirectory(path.dirname(file), `the database's directory (${path.dirname(file)})`);
  if (!fs.existsSync(file)) return;
  if (!fs.statSync(file).isFile())
    throw new StartupProblem(`The SQLite database ${file} is not a file: move it away or point DATA_DIR elsewhere.`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: LOCK_WAIT_MS });
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    // A write lock taken and given back: proves the file (and its directory, for the journal) is writable and unlocked.
    db.prepare("BEGIN IMMEDIATE").run();
    try {
      // A write that changes nothing, rolled back: SQLite opens a file it cannot write read-only, silently.
      const version = Number(db.pragma("user_version", { simple: true }));
      db.pragma(`user_version = ${version}`);
    } finally {
      db.prepare("ROLLBACK").run();
    }
  } catch (err) {
    throw new StartupProblem(describeSqliteError(file, err));
  } finally {
    db?.close();
  }
}

function ensureDirectory(dir: string, name: string) {
  // The nearest part of the path that exists must be a directory.
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory())
    throw new StartupProblem(
      `${name}: ${existing} is a file, not a directory. Point DATA_DIR at a directory (it holds harbor.db and secrets.json).`,
    );
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new StartupProblem(`${name} cannot be created or written (${(err as NodeJS.ErrnoException).code}).`);
  }
}

function describeSqliteError(file: string, err: unknown): string {
  const code = (err as { code?: string }).code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
    return `The SQLite database ${file} is corrupted or not a SQLite file: restore it from a backup, or move it away to start with an empty database.`;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED")
    return `The SQLite database ${file} is locked by another process (another Harbor Notifier, or a tool that has it open): stop that process and start again.`;
  if (code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM")
    return `The SQLite database ${file} is read-only for this process: make the file and its directory writable by the user that runs Harbor Notifier.`;
  return `The SQLite database ${file} cannot be opened (${code || (err as Error).message}).`;
}
