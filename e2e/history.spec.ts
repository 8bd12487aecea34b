// History and confirmations in a real browser: bulk redeliver asks "Redeliver N failed deliveries?"
// with the number it then redelivers, turning the global switch off asks first, and the test event
// names the project's own test repository.
import type { Locator, Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

let failing = true;
let receiver: LocalServer;

test.beforeAll(async () => {
  receiver = await startServer((_req, res) => {
    if (failing) res.writeHead(500, { "Content-Type": "text/plain" }).end("down for maintenance");
    else res.writeHead(200).end("ok");
  });
});
test.afterAll(async () => {
  await receiver?.close();
});

async function createPolicy(page: Page, project: string, name: string, url: string) {
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Endpoint URL").fill(url);
  await form.getByText("Filters and retries (optional)").click();
  await form.getByLabel("Max attempts").fill("1");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
}

async function sendTestEvent(page: Page, trigger: Locator) {
  await trigger.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/Test event sent: 1 delivery queued\./)).toBeVisible();
}

test("bulk redeliver confirms with the real count; the test event is the project's own", async ({
  adminPage: page,
}) => {
  const project = uniqueName("history");
  const name = uniqueName("flaky");
  await createProject(page, project);
  await createPolicy(page, project, name, receiver.url);
  await page.goto(`/projects/${project}/webhooks`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();

  const sentBefore = receiver.requests.length;
  await test.step("three test events fail (one attempt each)", async () => {
    for (let i = 0; i < 3; i++) {
      await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
      await page.reload();
    }
    const rows = page.getByRole("table", { name: "Executions" }).locator("tbody tr");
    await expect(rows).toHaveCount(3);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("table", { name: "Executions" }).getByText("Error", { exact: true })).toHaveCount(3);
    }).toPass({ timeout: 30_000 });
    await expect(rows.first()).toContainText("1 of 1 attempts (gave up)");
    expect(receiver.requests.length).toBe(sentBefore + 3);
    const body = JSON.parse(receiver.requests[sentBefore].body);
    expect(body.event_data.repository).toMatchObject({
      namespace: project,
      repo_full_name: `${project}/harbor-notifier-test`,
    });
    expect(Math.abs(body.occur_at - Date.now() / 1000)).toBeLessThan(120);
  });

  await test.step("redeliver failed: 'Redeliver 3 failed deliveries?', then 3 are sent", async () => {
    failing = false;
    const form = page.getByRole("form", { name: "Redeliver failed deliveries" });
    await expect(form.getByLabel("From")).not.toHaveValue("");
    await form.getByRole("button", { name: "Redeliver failed" }).click();
    const confirm = page.getByRole("dialog", { name: "Redeliver 3 failed deliveries?" });
    await expect(confirm).toBeVisible();
    await snap(page, "history-01-bulk-redeliver-confirm");
    await confirm.getByRole("button", { name: "Redeliver" }).click();
    await expect(form.getByText("3 deliveries queued for redelivery.")).toBeVisible();
    await expect.poll(() => receiver.requests.length, { timeout: 30_000 }).toBe(sentBefore + 6);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("table", { name: "Executions" }).getByText("Success", { exact: true })).toHaveCount(
        3,
      );
    }).toPass({ timeout: 30_000 });
    await expect(page.getByRole("table", { name: "Executions" }).locator("tbody tr").first()).toContainText(
      "redelivered: attempt 2 (1 before)",
    );
    await snap(page, "history-02-after-redelivery");
  });

  await test.step("nothing failed any more: no dialog, the form says so", async () => {
    const form = page.getByRole("form", { name: "Redeliver failed deliveries" });
    await form.getByRole("button", { name: "Redeliver failed" }).click();
    await expect(form.getByText("No failed delivery in that range.")).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(0);
  });
});

test("turning the global switch off asks for confirmation", async ({ adminPage: page }) => {
  await page.goto("/admin/settings");
  const form = page.getByRole("form", { name: "System settings" });
  const toggle = form.getByLabel("Webhooks enabled");
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await form.getByRole("button", { name: "Save settings" }).click();
  const confirm = page.getByRole("dialog", { name: "Turn webhooks off for all projects?" });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("skipped, not queued");
  await snap(page, "history-03-switch-off-confirm");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await page.reload();
  await expect(form.getByLabel("Webhooks enabled")).toBeChecked();

  await form.getByLabel("Webhooks enabled").uncheck();
  await form.getByRole("button", { name: "Save settings" }).click();
  await confirm.getByRole("button", { name: "Turn webhooks off" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("Webhooks enabled")).not.toBeChecked();

  // Turning it back on is not consequential in the same way: no confirmation.
  await form.getByLabel("Webhooks enabled").check();
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});
