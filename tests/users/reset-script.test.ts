// `npm run admin:reset-password` against a SQLite DATA_DIR of its own, as an operator runs it;
// and the first start's generated admin password, which must be changed at the first sign-in.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harbor-reset-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a TypeScript entry point the way npm scripts do (tsx), on this test's own data directory. */
async function run(file: string, args: string[] = []) {
  const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: "", ADMIN_PASSWORD: "", LOG_LEVEL: "silent" };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", file, ...args], {
      cwd: ROOT,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const resetScript = (...args: string[]) => run("scripts/admin-reset-password.ts", args);

function admin() {
  const db = new Database(path.join(dir, "harbor.db"), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "User" WHERE username = 'admin'`).get() as
      { passwordHash: string; mustChangePassword: number; disabledAt: unknown } | undefined;
  } finally {
    db.close();
  }
}

describe("admin:reset-password", () => {
  it("on a database that was never migrated: exit 1 and what to do", async () => {
    const r = await resetScript();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("A new or older database needs `npm run db:migrate` first.");
  }, 120_000);

  it("on a database without the user: exit 1 and a message", async () => {
    expect((await run("scripts/migrate.ts")).code).toBe(0);
    const r = await resetScript();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('There is no user named "admin". Give another one with --user NAME.');
    expect(admin()).toBeUndefined();
  }, 120_000);

  it("the first start's generated password is printed once and must be changed at the first sign-in", async () => {
    const boot = path.join(dir, "boot.ts");
    fs.writeFileSync(
      boot,
      `import { bootstrap } from ${JSON.stringify(path.join(ROOT, "lib/bootstrap.ts"))};\nbootstrap().then(() => process.exit(0));\n`,
    );
    const r = await run(boot);
    const printed = /password: (\S+)/.exec(r.stdout)?.[1];
    expect(printed, r.stdout + r.stderr).toBeTruthy();
    const row = admin()!;
    expect(row.mustChangePassword).toBe(1);
    expect(await verifyPassword(row.passwordHash, printed!)).toBe(true);
  }, 120_000);

  it("sets a new generated password, prints it once, enables the account, forces a change", async () => {
    const before = admin()!;
    const db = new Database(path.join(dir, "harbor.db"));
    db.prepare(`UPDATE "User" SET disabledAt = 1, mustChangePassword = 0 WHERE username = 'admin'`).run();
    db.close();
    const r = await resetScript();
    expect(r.code, r.stderr).toBe(0);
    const printed = /New password for admin: (\S+)/.exec(r.stdout)?.[1];
    expect(printed).toMatch(/^[\w-]{16}$/);
    const row = admin()!;
    expect(await verifyPassword(row.passwordHash, printed!)).toBe(true);
    expect(row.passwordHash).not.toBe(before.passwordHash);
    expect(row.mustChangePassword).toBe(1);
    expect(row.disabledAt).toBeNull();
  }, 120_000);

  it("--user names another user; an unknown argument is refused with the usage", async () => {
    expect((await resetScript("--user", "nobody")).stderr).toContain('There is no user named "nobody"');
    const r = await resetScript("--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run admin:reset-password [-- --user NAME]");
  }, 120_000);
});
