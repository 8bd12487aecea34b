import { z } from "zod";
import { resolveDatabase, type DatabaseTarget } from "@/lib/config/database-url";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_URL: optionalText,
  EXTERNAL_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  /** base64 of 32 bytes; generated into DATA_DIR when absent */
  ENCRYPTION_KEY: optionalText,
  NEXTAUTH_SECRET: optionalText,
  REGISTRY_NOTIFICATION_TOKEN: optionalText,
  /** comma-separated CIDRs that deliveries may reach despite the network guard */
  ALLOWED_NETWORKS: z.string().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(128),
  WORKER_PER_TARGET_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** how long a claimed task stays leased to a worker that stops renewing it (crash) */
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** how long a SQLite write waits for the lock before failing (the worker waits with timers instead) */
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** multiplies every retry backoff; tests shorten waits with it */
  RETRY_BACKOFF_SCALE: z.coerce.number().min(0).max(100).default(1),
});

export type Env = z.infer<typeof envSchema> & { database: DatabaseTarget };

let cached: Env | undefined;

/** The environment, parsed once; a bad value stops the process with a message naming the variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  let database: DatabaseTarget;
  try {
    database = resolveDatabase(parsed.data);
  } catch (e) {
    throw new Error(`Invalid configuration:\n  DATABASE_URL: ${(e as Error).message}`);
  }
  cached = { ...parsed.data, database };
  return cached;
}

/** For tests that change the environment between cases. */
export function resetEnvCache() {
  cached = undefined;
}
