// The fixed settings of the end-to-end server. playwright.config.ts starts the app with them and
// the fixtures sign in with them, so they live in one place.
import path from "node:path";

/** E2E_PORT lets two checkouts run their end-to-end tests side by side. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
/** 127.0.0.1 rather than localhost, so the browser, the cookies and NEXTAUTH_URL agree. */
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** Deleted before every run: each run starts on a fresh SQLite database. */
export const E2E_DATA_DIR = path.join("data", "e2e");

export const ADMIN_USERNAME = "admin";
/** Becomes the password of `admin` at first start (ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = "e2e-Admin-Passw0rd";
/** The token registries present at POST /service/notifications in e2e runs. */
export const REGISTRY_NOTIFICATION_TOKEN = "e2e-registry-token";

/** Environment of the server under test (merged over the runner's own environment). */
export function serverEnv(): Record<string, string> {
  return {
    PORT: String(E2E_PORT),
    DATA_DIR: E2E_DATA_DIR,
    // Empty values override anything exported in the developer's shell: never a shared database,
    // and instance secrets generated into the throw-away data directory.
    DATABASE_URL: "",
    ENCRYPTION_KEY: "",
    NEXTAUTH_SECRET: "",
    ADMIN_PASSWORD,
    EXTERNAL_URL: E2E_BASE_URL,
    NEXTAUTH_URL: E2E_BASE_URL,
    REGISTRY_NOTIFICATION_TOKEN,
    ALLOWED_NETWORKS: "127.0.0.0/8,::1/128",
    RETRY_BACKOFF_SCALE: "0.01",
    LOG_LEVEL: "warn",
    HARBOR_NO_WORKER: "0",
    NEXT_TELEMETRY_DISABLED: "1",
  };
}
