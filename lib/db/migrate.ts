import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs `prisma migrate deploy` for the database DATABASE_URL names (the CLI reads prisma.config.ts).
 * The CLI inherits this process's environment unless `env` gives it another.
 */
export function applyMigrations(env?: NodeJS.ProcessEnv): Promise<void> {
  const cli = path.resolve("node_modules/prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`migrate deploy failed:\n${output}`))));
  });
}
