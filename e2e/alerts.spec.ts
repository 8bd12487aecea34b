// Operator alerts in a real browser, against the built app and its worker: a system admin makes an
// operations channel (an instance-wide webhook of the operational events, for this spec's projects
// only) in the form, which a project's form does not offer; a destination paused through the
// Destinations API raises webhook.target_paused at the channel's receiver, and the Alerts page lists
// the alert with what became of its email.
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { E2E_BASE_URL } from "./env";
import { expect, snap, test, uniqueName } from "./fixtures";

let receiver: LocalServer;
test.beforeAll(async () => {
  receiver = await startServer((_req, res) => res.end("ok"));
});
test.afterAll(async () => {
  await receiver?.close();
});

test("an operations channel made in the form receives a pause, which the Alerts page lists", async ({
  adminPage: page,
  adminRequest,
  playwright,
}) => {
  const tag = uniqueName("ops");
  const project = `${tag}-a`;
  expect((await adminRequest.post("/api/v2.0/projects", { data: { project_name: project } })).status()).toBe(201);

  // A project's form offers no operational events.
  await page.goto(`/projects/${project}/webhooks/new`);
  await expect(page.getByRole("form", { name: "New webhook" }).getByLabel("Artifact pushed")).toBeVisible();
  await expect(page.getByLabel("Webhook target paused")).toHaveCount(0);

  await page.goto("/admin/webhooks");
  await expect(
    page.getByText("Operations channel: an instance-wide webhook that selects the operational events"),
  ).toBeVisible();
  await page.getByRole("link", { name: "New webhook" }).click();
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(uniqueName("operations"));
  await form.getByLabel("Projects").fill(`${tag}-*`);
  await form.getByLabel("Endpoint URL").fill(`${receiver.url}/ops`);
  await form.getByRole("button", { name: "Clear", exact: true }).click();
  await form.getByLabel("Webhook target paused").check();
  await form.getByLabel("Webhook target resumed").check();
  await snap(page, "alerts-01-operations-channel-form");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();

  // A destination of the project, paused by its client.
  const key = await adminRequest.post(`/api/v2.0/projects/${project}/api-keys`, { data: { mode: "test" } });
  expect(key.status()).toBe(201);
  const api = await playwright.request.newContext({
    baseURL: E2E_BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${(await key.json()).key}` },
  });
  const created = await api.post("/v1/destinations", { data: { url: "http://127.0.0.1:9/hook", name: "deploys" } });
  expect(created.status(), await created.text()).toBe(201);
  const paused = await api.patch(`/v1/destinations/${(await created.json()).id}`, { data: { status: "paused" } });
  expect(paused.status()).toBe(200);
  await api.dispose();

  await expect
    .poll(
      () =>
        receiver.requests
          .map((r) => JSON.parse(r.body) as { type: string; event_data: { project?: { name: string } } })
          .find((b) => b.type === "webhook.target_paused" && b.event_data.project?.name === project),
      { timeout: 20_000 },
    )
    .toMatchObject({
      event_data: { state: "paused", cause: "person", target: { address: "http://127.0.0.1:9/hook" } },
    });

  await page.goto("/admin/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: project });
  await expect(row.first()).toContainText("Target paused");
  await expect(row.first()).toContainText("deploys");
  await expect(row.first()).toContainText("raised: 1 delivery to operations channels");
  await snap(page, "alerts-02-alerts-page");
});
