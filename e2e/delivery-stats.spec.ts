// Delivery figures and charts from the rollups in a real browser: a new webhook with no deliveries
// (an empty state, no chart), then its test events reaching a local receiver (one answering well,
// one failing), charted on its page, on its project's webhooks tab and on the dashboard, in light
// and dark themes.
import type { Locator, Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

let ok: LocalServer;
let failing: LocalServer;

test.beforeAll(async () => {
  ok = await startServer((_req, res) => res.writeHead(200).end("ok"));
  failing = await startServer((_req, res) =>
    res.writeHead(500, { "Content-Type": "text/plain" }).end("receiver is down"),
  );
});

test.afterAll(async () => {
  await ok?.close();
  await failing?.close();
});

/** The deliveries chart: one labelled image whose SVG holds recharts' bars. */
async function expectChart(stats: Locator, label: string | RegExp): Promise<Locator> {
  const chart = stats.getByRole("img", { name: /^Deliveries over time by outcome/ });
  await expect(chart).toHaveAccessibleName(label);
  await expect(chart.locator("svg.recharts-surface .recharts-bar-rectangle").first()).toBeVisible();
  await expect(
    stats
      .getByRole("img", { name: /^Success rate over time/ })
      .locator("svg .recharts-line-dot")
      .first(),
  ).toBeVisible();
  return chart;
}

/** The page again in the given theme (the theme script follows the system preference by default). */
async function inTheme(page: Page, colorScheme: "light" | "dark", url: string) {
  await page.emulateMedia({ colorScheme });
  await page.goto(url);
}

test("delivery charts: empty, then with data on the webhook page, the project's webhooks tab and the dashboard, light and dark", async ({
  adminPage: page,
  adminRequest,
}) => {
  // The charts render in the browser only; the server's HTML must still match what hydrates.
  const hydrationErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /hydrat|#418|#423|#425/i.test(m.text())) hydrationErrors.push(m.text());
  });
  const project = uniqueName("stats");
  await createProject(page, project);
  const created = await adminRequest.post(`/api/v2.0/projects/${project}/webhook/policies`, {
    data: {
      name: "stats",
      event_types: ["PUSH_ARTIFACT"],
      targets: [
        { type: "http", address: `${ok.url}/hook` },
        { type: "http", address: `${failing.url}/hook` },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = created.headers()["location"]!.split("/").pop();
  const webhookPage = `/projects/${project}/webhooks/${id}`;

  // Other specs share this server and deliver too: the empty state is the new webhook's own.
  await test.step("a new webhook's figures say there are no deliveries yet, and draw no chart", async () => {
    await inTheme(page, "light", `${webhookPage}?range=1h`);
    const stats = page.getByTestId("delivery-stats");
    await expect(stats.getByTestId("delivery-summary")).toHaveText("No deliveries in the last 1 h.");
    await expect(stats.getByRole("link", { name: "1 h" })).toHaveAttribute("aria-current", "page");
    await expect(stats.getByRole("img")).toHaveCount(0);
    await expect(stats.locator("svg")).toHaveCount(0);
    await snap(page, "delivery-stats-01-empty-light");
    await inTheme(page, "dark", `${webhookPage}?range=1h`);
    await expect(stats.getByTestId("delivery-summary")).toHaveText("No deliveries in the last 1 h.");
    await snap(page, "delivery-stats-02-empty-dark");
  });

  await test.step("a test event: one target succeeds, one fails; the webhook page charts both", async () => {
    await inTheme(page, "light", webhookPage);
    await page.getByRole("button", { name: "Send test event" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Event type").selectOption("PUSH_ARTIFACT");
    await dialog.getByRole("button", { name: "Send" }).click();
    await expect(dialog).toBeHidden();
    await expect(async () => {
      await page.goto(`${webhookPage}?range=1h&status=Error`);
      await expect(page.getByTestId("delivery-summary")).toContainText("1 succeeded, 1 failed", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    const stats = page.getByTestId("delivery-stats");
    await expect(stats).toContainText("50.0 %");
    await expect(page.getByTestId("worst-targets")).toContainText(`${failing.url}/hook`);
    await expect(page.getByTestId("worst-targets")).toContainText("500");
    await expect(page.getByTestId("target-health").first()).toContainText("Healthy");
    await expect(page.getByTestId("target-health").nth(1)).toContainText("Failing");
    const chart = await expectChart(stats, /: 1 succeeded, 1 failed, \d+ retried\.$/);
    // The range links keep the executions' filter.
    await expect(stats.getByRole("link", { name: "24 h" })).toHaveAttribute("href", /status=Error.*range=24h/);
    // The tooltip names the step in UTC and the count of each outcome.
    await chart.locator(".recharts-bar-rectangle").first().hover();
    const tooltip = chart.locator(".recharts-tooltip-wrapper");
    await expect(tooltip).toContainText("UTC");
    await expect(tooltip).toContainText("Succeeded : 1");
    await expect(tooltip).toContainText("Failed : 1");
    await snap(page, "delivery-stats-03-webhook-light");
    await stats.getByText("Deliveries over time (table)").click();
    await expect(page.getByRole("table", { name: "Deliveries over time by outcome" })).toBeVisible();

    await inTheme(page, "dark", `${webhookPage}?range=1h`);
    const dark = await expectChart(stats, /: 1 succeeded, 1 failed, \d+ retried\.$/);
    await dark.locator(".recharts-bar-rectangle").first().hover();
    await expect(dark.locator(".recharts-tooltip-wrapper")).toContainText("Retried");
    await snap(page, "delivery-stats-04-webhook-dark");
  });

  await test.step("the project's webhooks tab charts its webhooks together", async () => {
    const tab = `/projects/${project}/webhooks?q=stats&range=1h`;
    await inTheme(page, "light", tab);
    const stats = page.getByTestId("delivery-stats");
    await expect(page.getByRole("heading", { name: "Deliveries of this project's webhooks" })).toBeVisible();
    await expect(stats.getByTestId("delivery-summary")).toContainText("1 succeeded, 1 failed");
    await expectChart(stats, /: 1 succeeded, 1 failed, \d+ retried\.$/);
    await expect(page.getByTestId("worst-targets")).toContainText(`${failing.url}/hook`);
    // The range links keep the name filter; the sort links keep the range.
    await expect(stats.getByRole("link", { name: "7 d" })).toHaveAttribute("href", "?q=stats&range=7d");
    await expect(page.getByRole("link", { name: /^Name/ })).toHaveAttribute("href", /range=1h/);
    await snap(page, "delivery-stats-05-project-light");
    await inTheme(page, "dark", tab);
    await expectChart(stats, /: 1 succeeded, 1 failed, \d+ retried\.$/);
    await snap(page, "delivery-stats-06-project-dark");
  });

  await test.step("the dashboard charts every webhook's deliveries, in both themes", async () => {
    // Other specs' deliveries count here too: at least this webhook's.
    await inTheme(page, "dark", "/admin/deliveries?range=24h");
    const stats = page.getByTestId("delivery-stats");
    await expect(stats.getByTestId("delivery-summary")).toContainText("succeeded");
    await expect(page.getByTestId("worst-targets")).toContainText(`${failing.url}/hook`);
    await expectChart(stats, /: [1-9]\d* succeeded, [1-9]\d* failed, \d+ retried\.$/);
    await snap(page, "delivery-stats-07-dashboard-dark");
    await inTheme(page, "light", "/admin/deliveries?range=7d");
    await expect(stats.getByRole("link", { name: "7 d" })).toHaveAttribute("aria-current", "page");
    await expectChart(stats, /per 6 h: [1-9]\d* succeeded, [1-9]\d* failed, \d+ retried\.$/);
    await snap(page, "delivery-stats-08-dashboard-light");
  });
  expect(hydrationErrors).toEqual([]);
});
