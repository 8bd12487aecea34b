// Runs once, after Playwright's webServer has started the app (see playwright.config.ts).
import fs from "node:fs";
import path from "node:path";
import { request, type FullConfig } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_USERNAME, E2E_BASE_URL } from "./env";
import { signInViaApi } from "./fixtures";

export default async function globalSetup(config: FullConfig) {
  // Tests create users and projects: only ever against the throw-away server on this machine.
  const host = new URL(E2E_BASE_URL).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host))
    throw new Error(`e2e tests run against a local server only, not ${host}`);

  // Screenshots of this run only, so reviewers never look at a page from an older run.
  fs.rmSync(path.join(config.rootDir, "screenshots"), { recursive: true, force: true });

  // Fail fast, with a clear message, when the server was not started fresh with ADMIN_PASSWORD.
  const ctx = await request.newContext({ baseURL: E2E_BASE_URL });
  try {
    await signInViaApi(ctx, ADMIN_USERNAME, ADMIN_PASSWORD);
  } catch (err) {
    throw new Error(
      `the e2e server does not accept admin/ADMIN_PASSWORD (was data/e2e really fresh?): ${(err as Error).message}`,
    );
  } finally {
    await ctx.dispose();
  }
}
