import path from "node:path";

export type DatabaseTarget =
  { provider: "sqlite"; url: string; file: string } | { provider: "postgresql"; url: string };

/** Where the data lives: a PostgreSQL URL, or a SQLite file (the default, under DATA_DIR). */
export function resolveDatabase(env: { DATABASE_URL?: string; DATA_DIR?: string }): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (url && !url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a postgres:// URL or a file: path, got "${url.split(":")[0]}:…"`);
  }
  const file = url ? url.slice("file:".length) : path.join(env.DATA_DIR?.trim() || "./data", "harbor.db");
  const abs = path.resolve(file);
  return { provider: "sqlite", url: `file:${abs}`, file: abs };
}
