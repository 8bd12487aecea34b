// End-to-end tests against the built app (`npm start`: next build when needed, migrate, bootstrap,
// `next start` + one worker), on a fresh SQLite database in data/e2e for every run.
import { defineConfig, devices } from "@playwright/test";
import { E2E_BASE_URL, serverEnv } from "./e2e/env";

/** Debian's Chromium (`apt-get install -y chromium`): `npx playwright install` cannot download here. */
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    // Without these Chromium keeps calling home, which the closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // One shared server and database: run one test at a time, in file order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // The longest tests walk a whole story (create, deliver, inspect, redeliver) through the UI.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromium,
  },
  projects: [
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
  ],
  webServer: {
    command: "npx tsx e2e/prepare-server.ts && npm start",
    url: `${E2E_BASE_URL}/login`,
    env: serverEnv(),
    reuseExistingServer: false,
    // The first start runs `next build` (2–4 minutes on a 2-core machine).
    timeout: 10 * 60_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
