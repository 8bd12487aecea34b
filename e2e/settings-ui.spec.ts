// System settings and API keys in a real browser: validation, the registry token, and the global
// "Webhooks enabled" switch, proven with an event posted through POST /v1/events with a key made on
// the API keys page.
import type { Page } from "@playwright/test";
import { E2E_BASE_URL } from "./env";
import { createProject, createUser, expect, loginAs, setWebhooksEnabled, snap, test, uniqueName } from "./fixtures";

const SAMPLE_EVENT = {
  type: "PUSH_ARTIFACT",
  operator: "e2e",
  event_data: {
    resources: [
      {
        digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        tag: "v1",
        resource_url: "localhost/x/app:v1",
      },
    ],
    repository: {
      date_created: 1680501893,
      name: "app",
      namespace: "x",
      repo_full_name: "x/app",
      repo_type: "private",
    },
  },
};

async function skippedCount(page: Page): Promise<number> {
  await page.goto("/admin/settings");
  return Number(await page.getByTestId("skipped-events").textContent());
}

/** Creates a key on the API keys page and returns it (shown once). */
async function createApiKey(page: Page, project: string, mode: "Live" | "Test", name: string): Promise<string> {
  await page.goto(`/projects/${project}/api-keys`);
  await page.getByLabel(mode, { exact: true }).check();
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByRole("button", { name: "Create API key" }).click();
  const reveal = page.getByRole("region", { name: new RegExp(`^New ${mode.toLowerCase()} key`) });
  await expect(reveal).toBeVisible();
  return (await reveal.getByTestId("secret-value").textContent()) ?? "";
}

test("settings: defaults shown, bad values refused inline, the registry token is write-only", async ({
  adminPage: page,
}) => {
  await page.goto("/admin/settings");
  const form = page.getByRole("form", { name: "System settings" });
  await expect(page.getByRole("heading", { name: "System settings" })).toBeVisible();
  await expect(form.getByLabel("Webhooks enabled")).toBeChecked();
  await expect(form.getByLabel("Max attempts")).toHaveValue("3");
  await expect(form.getByLabel("HTTP timeout")).toHaveValue("3");
  await expect(form.getByText("skipped, not queued")).toBeVisible();
  await expect(page.getByTestId("notification-url")).toHaveText(`${E2E_BASE_URL}/service/notifications`);
  await expect(form.getByLabel("In the registry's config.yml")).toContainText(
    `url: ${E2E_BASE_URL}/service/notifications`,
  );
  await expect(form.getByText("127.0.0.0/8,::1/128")).toBeVisible(); // from ALLOWED_NETWORKS
  await snap(page, "settings-01-page");

  await test.step("a bad CIDR is refused next to its field, and nothing else is lost", async () => {
    await form.getByLabel("Max attempts").fill("5");
    await form.getByLabel("Allowed networks").fill("10.0.0.0/33");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByLabel("Allowed networks")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Allowed networks")).toHaveAccessibleDescription(/10\.0\.0\.0\/33/);
    await expect(form.getByLabel("Max attempts")).toHaveValue("5");
    await snap(page, "settings-02-invalid-network");
    await form.getByLabel("Allowed networks").fill("");
    await form.getByLabel("Keep executions per webhook").fill("5");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByLabel("Keep executions per webhook")).toHaveAccessibleDescription(
      "Enter a whole number from 10 to 1,000,000.",
    );
  });

  await test.step("save valid values", async () => {
    await form.getByLabel("Keep executions per webhook").fill("500");
    await form.getByLabel("Max attempts").fill("3");
    await form.getByLabel("Allowed networks").fill("10.20.0.0/16");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    await expect(form.getByLabel("Keep executions per webhook")).toHaveValue("500");
    await expect(form.getByLabel("Allowed networks")).toHaveValue("10.20.0.0/16");
  });

  await test.step("a registry token: too short refused; a generated one works at /service/notifications and is never shown again", async () => {
    await form.getByLabel("Set a token").fill("short");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByLabel("Set a token")).toHaveAccessibleDescription(/at least 16 characters/);
    await expect(form.getByLabel("Set a token")).toHaveValue("short");

    await form.getByRole("button", { name: "Generate" }).click();
    const token = await form.getByLabel("Set a token").inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    await expect(form.getByText("A token is set.")).toBeVisible();
    await expect(form.getByLabel("Replace the token")).toHaveValue("");
    expect(await page.content()).not.toContain(token);
    await snap(page, "settings-03-token-set");

    const envelope = { events: [] };
    const ok = await page.request.post("/service/notifications", {
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/vnd.docker.distribution.events.v1+json",
      },
      data: envelope,
    });
    expect(ok.status()).toBeLessThan(300);
    const refused = await page.request.post("/service/notifications", {
      headers: {
        Authorization: "Bearer not-the-token-at-all",
        "Content-Type": "application/vnd.docker.distribution.events.v1+json",
      },
      data: envelope,
    });
    expect(refused.status()).toBe(401);

    await form.getByLabel("Remove the stored token").check();
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    await expect(form.getByText("No token is set here.")).toBeVisible();
    const removed = await page.request.post("/service/notifications", {
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/vnd.docker.distribution.events.v1+json",
      },
      data: envelope,
    });
    expect(removed.status()).toBe(401);
  });

  await test.step("put the allow-list back", async () => {
    await form.getByLabel("Allowed networks").fill("");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  });
});

test("API keys: created once-visible, listed, used, revoked", async ({ adminPage: page }) => {
  const project = uniqueName("keys");
  await createProject(page, project);
  await page.goto(`/projects/${project}/api-keys`);
  await expect(page.getByText("No API keys yet")).toBeVisible();

  const key = await createApiKey(page, project, "Live", "ci pipeline");
  expect(key).toMatch(/^hk_live_/);
  await expect(page.getByText("shown only this once")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "ci pipeline" });
  await expect(row).toContainText(`${key.slice(0, 12)}…`);
  await expect(row).toContainText("Live");
  await expect(row).toContainText("Never");
  await expect(row).toContainText("Active");
  await snap(page, "settings-04-api-key-created");

  const used = await page.request.post("/v1/events", {
    headers: { Authorization: `Bearer ${key}` },
    data: SAMPLE_EVENT,
  });
  expect(used.status()).toBe(202);
  await page.reload();
  await expect(row).not.toContainText("Never");
  expect(await page.content()).not.toContain(key);

  await row.getByRole("button", { name: /^Revoke / }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Requests with this key are refused from now on.");
  await snap(page, "settings-05-api-key-revoke");
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  const refused = await page.request.post("/v1/events", {
    headers: { Authorization: `Bearer ${key}` },
    data: SAMPLE_EVENT,
  });
  expect(refused.status()).toBe(401);
});

test("API keys: paged 20 to a page with the shared pager, as the API pages them", async ({
  adminPage: page,
  adminRequest,
}) => {
  const project = uniqueName("keypages");
  await createProject(page, project);
  const api = `/api/v2.0/projects/${project}/api-keys`;
  for (let i = 1; i <= 21; i++) {
    const r = await adminRequest.post(api, { data: { mode: "test", name: `key ${String(i).padStart(2, "0")}` } });
    expect(r.status()).toBe(201);
  }
  await page.goto(`/projects/${project}/api-keys`);
  const pager = page.getByRole("navigation", { name: "Pagination" });
  await expect(pager).toContainText("Page 1 of 2 · 21 in total");
  const rows = page.getByRole("table", { name: "API keys" }).locator("tbody tr");
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toContainText("key 21"); // newest first
  await pager.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(pager).toContainText("Page 2 of 2 · 21 in total");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("key 01");
  await snap(page, "settings-07-api-keys-page-2");

  const second = await adminRequest.get(`${api}?page=2&page_size=20`);
  expect(second.headers()["x-total-count"]).toBe("21");
  expect(((await second.json()) as { name: string }[]).map((k) => k.name)).toEqual(["key 01"]);
});

test("the global switch: while off, an event through POST /v1/events is skipped and counted", async ({
  adminPage: page,
}) => {
  const project = uniqueName("switch");
  await createProject(page, project);
  const key = await createApiKey(page, project, "Test", "switch test");
  try {
    const before = await skippedCount(page);
    await setWebhooksEnabled(page, false);
    await expect(page.getByText("Webhooks are off: events are being skipped.")).toBeVisible();
    await snap(page, "settings-06-webhooks-off");

    const res = await page.request.post("/v1/events", {
      headers: { Authorization: `Bearer ${key}` },
      data: SAMPLE_EVENT,
    });
    expect(res.status()).toBe(202);
    expect(await res.json()).toMatchObject({ skipped: true, reason: "webhooks_disabled" });
    expect(await skippedCount(page)).toBe(before + 1);

    await setWebhooksEnabled(page, true);
    const accepted = await page.request.post("/v1/events", {
      headers: { Authorization: `Bearer ${key}` },
      data: SAMPLE_EVENT,
    });
    expect(accepted.status()).toBe(202);
    expect(await accepted.json()).not.toHaveProperty("skipped");
    expect(await skippedCount(page)).toBe(before + 1);
  } finally {
    // Never leave the instance switched off for the tests that follow.
    await setWebhooksEnabled(page, true);
  }
});

test("only system admins reach the settings page", async ({ adminPage: page, browser }) => {
  const user = { username: uniqueName("plain"), password: "plain-user-Passw0rd" };
  await createUser(page, user);
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await loginAs(other, user.username, user.password);
  await expect(other.getByRole("link", { name: "System settings" })).toHaveCount(0);
  await other.goto("/admin/settings");
  await expect(other).toHaveURL(/\/forbidden/);
  await snap(other, "settings-07-forbidden");
  await ctx.close();
});
