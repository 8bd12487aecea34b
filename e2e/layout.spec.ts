// The layout at the widths people use: tables fit from 1280 to 1920 px with long names, URLs and
// descriptions in them; at 390 px no page scrolls sideways and the header folds into a menu. Dark
// mode follows the system and the toggle; pages name themselves; the current section is marked;
// times read in the browser's zone with the UTC time on hover. Screenshots in light and dark.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIRequestContext, Page } from "@playwright/test";
import { sampleEvent } from "../lib/events/samples";
import { E2E_BASE_URL } from "./env";
import { settledExecutions } from "./executions";
import { ADMIN_PASSWORD, ADMIN_USERNAME, expect, snap, test, uniqueName } from "./fixtures";

const WIDE = [1280, 1366, 1440, 1920];
const PHONE = 390;

/**
 * How far the page, and each table's scroll box, overflows sideways (0 when everything fits), and
 * the outermost elements sticking out, to name in a failure.
 */
async function overflow(page: Page): Promise<{ page: number; tables: number[]; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      // Inside a table's scroll box only what is positioned against something outside it counts.
      .filter((e) => !e.closest(".overflow-x-auto") || getComputedStyle(e).position === "absolute")
      .filter((e) => !(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 1))
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 4).join(".")}`);
    return {
      page: document.documentElement.scrollWidth - width,
      tables: [...document.querySelectorAll("table")].map((t) => {
        const box = t.parentElement!;
        return box.scrollWidth - box.clientWidth;
      }),
      culprits,
    };
  });
}

type Seeded = { project: string; policyId: number; executionId: number; eventId: number; pages: [string, string][] };

/** A project whose names, URLs and texts are as long as the API accepts, with failed deliveries. */
async function seed(adminRequest: APIRequestContext, events: APIRequestContext, port: number): Promise<Seeded> {
  const project = uniqueName("layout-a-project-with-a-long-name-to-see-how-headers-and-breadcrumbs-wrap");
  expect((await adminRequest.post("/api/v2.0/projects", { data: { project_name: project } })).status()).toBe(201);
  const key = await adminRequest.post(`/api/v2.0/projects/${project}/api-keys`, {
    data: { mode: "test", name: `a key with a rather long descriptive name ${"x".repeat(50)}` },
  });
  expect(key.status(), await key.text()).toBe(201);
  const policyName = `release-notifications-for-the-platform-team-${"and-more-".repeat(12)}end`;
  const created = await adminRequest.post(`/api/v2.0/projects/${project}/webhook/policies`, {
    data: {
      name: policyName,
      description: `Tells the platform team about every release. ${"A long description that goes on. ".repeat(25)}`,
      event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT", "SCANNING_COMPLETED", "SCANNING_FAILED", "QUOTA_EXCEED"],
      targets: [
        {
          type: "http",
          // Answers 500 with a long body: failed deliveries with long status messages.
          address: `http://127.0.0.1:${port}/hooks/${"very-long-path-segment/".repeat(12)}?token=${"t".repeat(80)}`,
          payload_format: "Default",
        },
      ],
      enabled: true,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const policyId = (await created.json()).id as number;
  for (const n of [1, 2]) {
    const r = await adminRequest.post(`/api/v2.0/projects/${project}/webhook/policies`, {
      data: {
        name: `hook-${n}`,
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: `http://127.0.0.1:${port}/short`, payload_format: "CloudEvents" }],
        enabled: true,
      },
    });
    expect(r.status()).toBe(201);
  }

  const api = `Bearer ${(await key.json()).key as string}`;
  let eventId = 0;
  for (const tag of ["1.0", `release-candidate-${"build-".repeat(10)}final`]) {
    const event = sampleEvent("PUSH_ARTIFACT");
    const data = event.event_data as { repository: { repo_full_name: string }; resources: { tag: string }[] };
    data.repository.repo_full_name = `${project}/${"deeply/nested/".repeat(6)}image-with-a-long-name`;
    data.resources[0].tag = tag;
    const r = await events.post("/v1/events", {
      data: { ...event, operator: "a-robot-account-with-a-long-name" },
      headers: { Authorization: api },
    });
    expect(r.status(), await r.text()).toBe(202);
    eventId = (await r.json()).id as number;
  }
  const executions = await settledExecutions(adminRequest, project, policyId, 60_000);
  const executionId = executions[0].id;
  const p = `/projects/${project}`;
  return {
    project,
    policyId,
    executionId,
    eventId,
    pages: [
      ["projects", "/projects"],
      ["webhooks", `${p}/webhooks`],
      ["webhook", `${p}/webhooks/${policyId}`],
      ["execution", `${p}/webhooks/${policyId}/executions/${executionId}`],
      ["events", `${p}/events`],
      ["event", `${p}/events/${eventId}`],
      ["members", `${p}/members`],
      ["api-keys", `${p}/api-keys`],
      ["edit-webhook", `${p}/webhooks/${policyId}/edit`],
      ["users", "/admin/users"],
      ["settings", "/admin/settings"],
      ["profile", "/profile"],
    ],
  };
}

test.describe("layout", () => {
  let receiver: http.Server;
  let seeded: Seeded;

  test.beforeAll(async ({ playwright }) => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(500).end(`upstream failure: ${"the deploy hook could not run. ".repeat(20)}`));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const admin = await playwright.request.newContext({
      baseURL: E2E_BASE_URL,
      httpCredentials: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD, send: "always" },
    });
    const events = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
    seeded = await seed(admin, events, (receiver.address() as AddressInfo).port);
    await events.dispose();
    // A user with a long name and address, for the users table.
    const u = await admin.post("/api/v2.0/users", {
      data: {
        username: `someone-with-a-long-user-name-${Date.now().toString(36)}`,
        email: `someone.with.a.very.long.address.${"x".repeat(25)}@example.com`,
        realname: "Someone",
        password: "Layout-Passw0rd!",
      },
    });
    expect([201, 409], await u.text()).toContain(u.status());
    await admin.dispose();
  });
  test.afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  test("tables fit at 1280–1920 px with long content; screenshots in light and dark", async ({ adminPage: page }) => {
    test.setTimeout(600_000); // 4 widths × 12 pages, then 12 in dark
    for (const width of WIDE) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of seeded.pages) {
        await page.goto(url);
        await expect(page.locator("main h1").first()).toBeVisible();
        if (width === 1280 || width === 1920) await snap(page, `layout-${name}-${width}-light`);
        const o = await overflow(page);
        expect.soft(o.page, `${name} at ${width}px scrolls sideways: ${o.culprits.join(", ")}`).toBeLessThanOrEqual(0);
        o.tables.forEach((t, i) =>
          expect.soft(t, `table ${i + 1} of ${name} at ${width}px overflows`).toBeLessThanOrEqual(1),
        );
      }
    }
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const [name, url] of seeded.pages) {
      await page.goto(url);
      await expect(page.locator("html")).toHaveClass(/dark/);
      await snap(page, `layout-${name}-1280-dark`);
    }
  });

  test("at 390 px no page scrolls sideways and the header folds into a menu", async ({ adminPage: page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: PHONE, height: 844 });
    for (const [name, url] of [...seeded.pages, ["api-docs", "/api-docs"] as [string, string]]) {
      await page.goto(url);
      if (name !== "api-docs") await snap(page, `layout-${name}-${PHONE}-light`);
      const o = await overflow(page);
      expect.soft(o.page, `${name} at ${PHONE}px scrolls sideways: ${o.culprits.join(", ")}`).toBeLessThanOrEqual(0);
    }
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Projects" })).toBeHidden();
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "true");
    await snap(page, `layout-menu-${PHONE}-light`);
    await page.locator("#main-menu").getByRole("link", { name: "Users" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.locator("#main-menu")).toHaveCount(0);

    await page.emulateMedia({ colorScheme: "dark" });
    for (const [name, url] of seeded.pages.slice(0, 4)) {
      await page.goto(url);
      await snap(page, `layout-${name}-${PHONE}-dark`);
    }
  });

  test("dark mode follows the system until the toggle chooses, and the choice is kept", async ({ adminPage: page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/projects");
    const html = page.locator("html");
    await expect(html).toHaveClass(/dark/);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = await background();

    const toggle = page.getByRole("button", { name: /^System theme/ });
    await toggle.click(); // system → light
    await expect(html).not.toHaveClass(/dark/);
    expect(await background()).not.toBe(dark);
    await page.reload();
    await expect(html).not.toHaveClass(/dark/);
    await expect(page.getByRole("button", { name: /^Light theme/ })).toBeVisible();

    await page.getByRole("button", { name: /^Light theme/ }).click(); // light → dark
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    await expect(html).toHaveClass(/dark/);
    await page.getByRole("button", { name: /^Dark theme/ }).click(); // dark → system (light now)
    await expect(html).not.toHaveClass(/dark/);
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(html).toHaveClass(/dark/);
  });

  test("pages name themselves and the current section is marked", async ({ adminPage: page }) => {
    const { project, policyId, executionId } = seeded;
    await page.goto(`/projects/${project}/webhooks/${policyId}`);
    await expect(page).toHaveTitle(/^release-notifications-for-the-platform-team.* · Webhooks · .* · Harbor Notifier$/);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Projects" })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Users" })).not.toHaveAttribute("aria-current", "page");
    await page.goto(`/projects/${project}/webhooks/${policyId}/executions/${executionId}`);
    await expect(page).toHaveTitle(new RegExp(`^Execution ${executionId} · release-notifications`));
    await page.goto("/admin/settings");
    await expect(page).toHaveTitle("System settings · Harbor Notifier");
    await expect(nav.getByRole("link", { name: "System settings" })).toHaveAttribute("aria-current", "page");
    await page.goto("/projects/no-such-project/webhooks/1");
    await expect(page).toHaveTitle(/^Webhook 1 · Webhooks/);
  });

  test("a row's actions are one menu; each still confirms in a dialog", async ({ adminPage: page }) => {
    await page.goto(`/projects/${seeded.project}/webhooks`);
    const row = page.locator("tr[data-policy='hook-1']");
    await row.getByRole("button", { name: "Actions for hook-1" }).click();
    await expect(row.getByRole("button", { name: "Deactivate hook-1" })).toBeVisible();
    await snap(page, "layout-row-menu-1280-light");
    await row.getByRole("button", { name: "Deactivate hook-1" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate webhook “hook-1”?" });
    await expect(dialog).toBeVisible();
    // The menu closed; the dialog stays.
    await expect(row.getByRole("button", { name: "Deactivate hook-1" })).toBeHidden();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  });
});

test.describe("time", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("lists say how long ago, details give the local time, both show UTC on hover", async ({ adminPage: page }) => {
    await page.goto("/projects");
    const cell = page.locator("main table time").first();
    await expect(cell).toHaveText(/^(just now|\d+ (min|h) ago)$/);
    await expect(cell).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await page.goto("/profile");
    const created = page.locator("main dd time").first();
    await expect(created).toHaveText(/GMT\+9$/);
    const iso = await created.getAttribute("datetime");
    const title = await created.getAttribute("title");
    expect(title).toBe(`${iso!.slice(0, 19).replace("T", " ")} UTC`);
  });
});
