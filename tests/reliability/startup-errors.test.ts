// A broken data setup stops `npm run db:migrate` and `npm start` with one line that names the
// problem and what to do (lib/process/preflight.ts), not a schema-engine stack trace: DATA_DIR
// pointing at a file, a corrupted SQLite file, one locked by another process, a read-only one.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "startup-errors-"));
fs.chmodSync(root, 0o755);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function run(script: "migrate" | "start", dataDir: string, opts: { uid?: number } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "3299", LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  const proc = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`], {
    // An unprivileged user's own home and temporary directory (tsx keeps a cache there): the data directory.
    env: opts.uid !== undefined ? { ...env, HOME: dataDir, TMPDIR: dataDir } : env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  return new Promise<{ code: number | null; lines: string[] }>((resolve) =>
    proc.on("exit", (code) => resolve({ code, lines: stderr.trim().split("\n").filter(Boolean) })),
  );
}

const fresh = (name: string) => {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

describe("start-up errors name the problem in one line", () => {
  it.each(["migrate", "start"] as const)(
    "%s: DATA_DIR pointing to a file",
    async (script) => {
      const file = path.join(fresh(`file-${script}`), "not-a-dir");
      fs.writeFileSync(file, "x");
      const r = await run(script, file);
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([
        `DATA_DIR (${file}): ${file} is a file, not a directory. Point DATA_DIR at a directory (it holds harbor.db and secrets.json).`,
      ]);
    },
    60_000,
  );

  it("a corrupted SQLite file", async () => {
    const dir = fresh("corrupt");
    fs.writeFileSync(path.join(dir, "harbor.db"), Buffer.alloc(8192, 0x5a));
    const r = await run("migrate", dir);
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^The SQLite database .*harbor\.db is corrupted or not a SQLite file: restore it/);
  }, 60_000);

  it("a database locked by another process", async () => {
    const dir = fresh("locked");
    const holder = new Database(path.join(dir, "harbor.db"));
    holder.exec("CREATE TABLE t (x)");
    holder.prepare("BEGIN EXCLUSIVE").run();
    try {
      const r = await run("migrate", dir);
      expect(r.code).toBe(1);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(/^The SQLite database .*harbor\.db is locked by another process/);
    } finally {
      holder.prepare("ROLLBACK").run();
      holder.close();
    }
  }, 60_000);

  it.skipIf(process.getuid?.() !== 0)(
    "a read-only SQLite file (run as an unprivileged user)",
    async () => {
      const dir = fresh("readonly");
      const db = new Database(path.join(dir, "harbor.db"));
      db.exec("CREATE TABLE t (x)");
      db.close();
      fs.chmodSync(path.join(dir, "harbor.db"), 0o444);
      // The directory is theirs (secrets.json may be written) but the database file is not.
      fs.chownSync(dir, 65534, 65534);
      const r = await run("migrate", dir, { uid: 65534 });
      expect(r.code).toBe(1);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(/^The SQLite database .*harbor\.db is read-only for this process/);
    },
    60_000,
  );
});
