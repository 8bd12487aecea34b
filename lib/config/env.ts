import { z } from "zod";
// Relative: the Prisma CLI loads this module through prisma.config.ts without the "@/" alias.
import { resolveDatabase, type DatabaseTarget } from "./database-url";
import { parseTrustedProxies } from "./trusted-proxies";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const port = z.coerce.number<string>().int().min(1).max(65535);

const otlpEndpoint = optionalText.pipe(
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://collector:4318" }).optional(),
);

/** "1"/"true" switch on; unset, "", "0" and "false" leave off; anything else is a mistake worth stopping for. */
const flag = z
  .enum(["", "0", "1", "false", "true"], { error: 'must be "1" or "0"' })
  .optional()
  .transform((v) => v === "1" || v === "true");

/** The worker waits for SQLite's lock with timers (lib/db/busy.ts), not inside SQLite's blocking handler. */
/** Like `flag`, but unset (or "") stays undefined: the setting is then the settings page's. */
const optionalFlag = z
  .enum(["", "0", "1", "false", "true"], { error: 'must be "1" or "0"' })
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v === "1" || v === "true"));

const SQLITE_BUSY_TIMEOUT_DEFAULT_MS = { web: 10_000, worker: 5 } as const;

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: port.default(3000),
    /**
     * address the web server binds to; unset: every interface, IPv4 and IPv6 (Next.js's default).
     * 127.0.0.1 keeps it reachable only through a reverse proxy on the same host.
     */
    HOST: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9.:-]{1,253}$/, "must be an address or host name, e.g. 0.0.0.0 or 127.0.0.1")
        .optional(),
    ),
    /** when set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` */
    METRICS_TOKEN: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    DATABASE_URL: optionalText,
    EXTERNAL_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** next-auth reads it itself; `npm start` derives it from EXTERNAL_URL or PORT when unset */
    NEXTAUTH_URL: optionalText,
    ADMIN_PASSWORD: optionalText.pipe(z.string().min(8, "must be at least 8 characters").optional()),
    /** base64 of 32 bytes; generated into DATA_DIR when absent */
    ENCRYPTION_KEY: optionalText,
    NEXTAUTH_SECRET: optionalText,
    REGISTRY_NOTIFICATION_TOKEN: optionalText,
    /**
     * the SMTP server of email targets, e.g. smtp://user:pass@mail.example.com:587 (STARTTLS) or
     * smtps://…:465 (TLS), ?tls=none for neither; when set it replaces the host, port, TLS mode, user
     * and password of the settings page (lib/settings/smtp.ts)
     */
    SMTP_URL: optionalText,
    // Directory sign-in (lib/auth/sso/settings.ts): each set variable overrides the settings page's field.
    AUTH_MODE: optionalText.pipe(z.enum(["db", "oidc", "ldap"], 'must be "db", "oidc" or "ldap"').optional()),
    OIDC_NAME: optionalText,
    OIDC_ENDPOINT: optionalText,
    OIDC_CLIENT_ID: optionalText,
    OIDC_CLIENT_SECRET: optionalText,
    OIDC_SCOPE: optionalText,
    OIDC_VERIFY_CERT: optionalFlag,
    OIDC_USER_CLAIM: optionalText,
    OIDC_GROUPS_CLAIM: optionalText,
    OIDC_ADMIN_GROUP: optionalText,
    OIDC_AUTO_ONBOARD: optionalFlag,
    OIDC_LOGOUT: optionalFlag,
    LDAP_URL: optionalText,
    LDAP_VERIFY_CERT: optionalFlag,
    LDAP_SEARCH_DN: optionalText,
    LDAP_SEARCH_PASSWORD: optionalText,
    LDAP_BASE_DN: optionalText,
    LDAP_FILTER: optionalText,
    LDAP_UID: optionalText,
    LDAP_SCOPE: optionalText.pipe(z.enum(["0", "1", "2"], "must be 0 (base), 1 (one level) or 2 (subtree)").optional()),
    LDAP_GROUP_BASE_DN: optionalText,
    LDAP_GROUP_FILTER: optionalText,
    LDAP_GROUP_ATTRIBUTE_NAME: optionalText,
    LDAP_GROUP_ADMIN_DN: optionalText,
    LDAP_GROUP_MEMBERSHIP_ATTRIBUTE: optionalText,
    /** comma-separated CIDRs that deliveries may reach despite the network guard */
    ALLOWED_NETWORKS: z.string().default(""),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** requests per API key (or client) per minute on the REST APIs */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    /**
     * proxies whose X-Forwarded-For is believed when telling clients apart (sign-in throttling,
     * registry token failures): comma-separated addresses or CIDRs; empty: the connection's address
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v, ctx) => {
        try {
          return parseTrustedProxies(v);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
          return z.NEVER;
        }
      }),
    /** the web server drops a connection whose request headers took longer than this */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
    /** the web server drops a connection whose whole request (headers and body) took longer than this */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    /** which process this is: `npm start` runs a web and (unless HARBOR_NO_WORKER) a worker */
    HARBOR_ROLE: z.enum(["web", "worker"]).default("web"),
    /** `npm start` runs the web server only */
    HARBOR_NO_WORKER: flag,
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(128),
    WORKER_PER_TARGET_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
    /** how long a claimed task stays leased to a worker that stops renewing it (crash) */
    WORKER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    /** a worker serves its Prometheus metrics on this port when set */
    WORKER_METRICS_PORT: optionalText.pipe(port.optional()),
    /** loopback unless told otherwise: in a container, 0.0.0.0 lets Prometheus in */
    WORKER_METRICS_HOST: optionalText.transform((v) => v ?? "127.0.0.1"),
    /** how long a SQLite write waits for the lock before failing; the default depends on the role */
    SQLITE_BUSY_TIMEOUT_MS: optionalText.pipe(z.coerce.number<string>().int().min(0).max(60_000).optional()),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * operator alerts: at most one digest of a target's deliveries that failed after all retries per
     * this many milliseconds (default 15 minutes; lib/alerts)
     */
    ALERT_DIGEST_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(900_000),
    /** multiplies every retry backoff; tests shorten waits with it */
    RETRY_BACKOFF_SCALE: z.coerce.number().min(0).max(100).default(1),
    // OpenTelemetry's standard variables (docs/tracing.md). Tracing is on when an OTLP endpoint is
    // set; the exporter reads the rest of OTEL_* (headers, timeout, compression) itself.
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint,
    /** "true" (any case) turns tracing off whatever the endpoint, as the specification says */
    OTEL_SDK_DISABLED: optionalText.transform((v) => v?.toLowerCase() === "true"),
    /** "none" turns tracing off; traces go over OTLP otherwise */
    OTEL_TRACES_EXPORTER: optionalText.pipe(
      z.enum(["otlp", "none"], 'must be "otlp" or "none" (the only exporters built in)').optional(),
    ),
    OTEL_SERVICE_NAME: optionalText.transform((v) => v ?? "harbor-notifier"),
  })
  .superRefine((e, ctx) => {
    // Node refuses a headers timeout longer than the whole request's.
    if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS)
      ctx.addIssue({
        code: "custom",
        path: ["HTTP_HEADERS_TIMEOUT_MS"],
        message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS})`,
      });
  })
  .transform((e) => ({
    ...e,
    SQLITE_BUSY_TIMEOUT_MS: e.SQLITE_BUSY_TIMEOUT_MS ?? SQLITE_BUSY_TIMEOUT_DEFAULT_MS[e.HARBOR_ROLE],
  }));

export type Env = z.output<typeof envSchema> & { database: DatabaseTarget };

let cached: Env | undefined;

/**
 * The environment, parsed once; a bad value stops the process with a message naming the variable.
 * The only reader of process.env (tests/code-health/process-env.test.ts keeps it so).
 */
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

/**
 * The environment of a child process (web server, worker, Prisma CLI): this process's variables
 * with `overrides` on top. Children are configured through their environment, never by changing ours.
 */
export function childEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** For tests that change the environment between cases. */
export function resetEnvCache() {
  cached = undefined;
}
