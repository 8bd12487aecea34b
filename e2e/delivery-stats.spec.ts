// Delivery figures from the rollups in a real browser: a new webhook with no deliveries, then
// its test events reaching a local receiver (one answering well, one failing), its
// page and the dashboard with data, in light and dark themes.
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

test("delivery figures: empty, then with data on the webhook page and the dashboard, light and dark", async ({
  adminPage: page,
  adminRequest,
}) => {
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

  // Other specs share this server and deliver too: the empty state is the new webhook's own.
  await test.step("a new webhook's figures say there are no deliveries yet", async () => {
    await page.goto(`/projects/${project}/webhooks/${id}?range=1h`);
    const stats = page.getByTestId("delivery-stats");
    await expect(stats.getByTestId("delivery-summary")).toHaveText("No deliveries in the last 1 h.");
    await expect(stats.getByRole("link", { name: "1 h" })).toHaveAttribute("aria-current", "page");
    await snap(page, "delivery-stats-01-empty");
  });

  await test.step("a test event: one target succeeds, one fails; the webhook page shows both", async () => {
    await page.goto(`/projects/${project}/webhooks/${id}`);
    await page.getByRole("button", { name: "Send test event" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Event type").selectOption("PUSH_ARTIFACT");
    await dialog.getByRole("button", { name: "Send" }).click();
    await expect(dialog).toBeHidden();
    await expect(async () => {
      await page.goto(`/projects/${project}/webhooks/${id}?range=1h`);
      await expect(page.getByTestId("delivery-summary")).toContainText("1 succeeded, 1 failed", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await expect(page.getByTestId("delivery-stats")).toContainText("50.0 %");
    await expect(page.getByTestId("worst-targets")).toContainText(`${failing.url}/hook`);
    await expect(page.getByTestId("worst-targets")).toContainText("500");
    await expect(page.getByTestId("target-health").first()).toContainText("Healthy");
    await expect(page.getByTestId("target-health").nth(1)).toContainText("Failing");
    await page.getByText("Deliveries over time (table)").click();
    await expect(page.getByRole("table", { name: "Deliveries over time by outcome" })).toBeVisible();
    await snap(page, "delivery-stats-02-webhook-light");
  });

  await test.step("the dashboard with data, in the dark theme", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/admin/deliveries?range=24h");
    await expect(page.getByTestId("delivery-summary")).toContainText("succeeded");
    await expect(page.getByTestId("worst-targets")).toContainText(`${failing.url}/hook`);
    await snap(page, "delivery-stats-03-dashboard-dark");
  });
});
