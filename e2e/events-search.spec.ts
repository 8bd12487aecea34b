// "Was the push of team-a/alpine:1 delivered?": an event posted to /v1/events is found by its
// repository on the project's Events page, and its page shows its deliveries to both webhooks.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sampleEvent } from "../lib/events/samples";
import { E2E_BASE_URL } from "./env";
import { settledExecutions, storedTasks } from "./executions";
import { expect, snap, test, uniqueName } from "./fixtures";

// A browser far from UTC, so the time range inputs' conversion to UTC is visible.
test.use({ timezoneId: "Asia/Tokyo" });

test("an event is found by repository and its page shows its deliveries across two webhooks", async ({
  adminPage: page,
  adminRequest,
  playwright,
}) => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "Content-Type": "text/plain" }).end("received"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const api = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    const name = uniqueName("evsearch");
    const p = await adminRequest.post("/api/v2.0/projects", {
      data: { project_name: name, metadata: { public: "false" } },
    });
    expect(p.status()).toBe(201);
    const k = await adminRequest.post(`/api/v2.0/projects/${name}/api-keys`, {
      data: { mode: "test", name: "search" },
    });
    expect(k.status()).toBe(201);
    const key = (await k.json()).key as string;
    const policyIds: number[] = [];
    for (const [policyName, path] of [
      ["ci-hook", "/ci"],
      ["audit-hook", "/audit"],
    ]) {
      const r = await adminRequest.post(`/api/v2.0/projects/${name}/webhook/policies`, {
        data: {
          name: policyName,
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: `http://127.0.0.1:${port}${path}`, payload_format: "Default" }],
          enabled: true,
        },
      });
      expect(r.status(), await r.text()).toBe(201);
      policyIds.push((await r.json()).id);
    }

    // Another push to another repository, which the search must leave out.
    const push = (repository: string, tag: string) => {
      const event = sampleEvent("PUSH_ARTIFACT");
      const data = event.event_data as { repository: { repo_full_name: string }; resources: { tag: string }[] };
      data.repository.repo_full_name = repository;
      data.resources[0].tag = tag;
      return api.post("/v1/events", {
        data: { ...event, operator: "alice" },
        headers: { Authorization: `Bearer ${key}` },
      });
    };
    const other = await push(`${name}/busybox`, "latest");
    expect(other.status()).toBe(202);
    const r = await push(`${name}/alpine`, "1");
    expect(r.status(), await r.text()).toBe(202);
    const eventId = (await r.json()).id as number;
    for (const id of policyIds) await settledExecutions(adminRequest, name, id);

    await page.goto(`/projects/${name}/events`);
    await expect(page.getByRole("link", { name: "Events", exact: true })).toHaveAttribute("aria-current", "page");
    await page.getByLabel("Repository").fill(`${name}/alpine`);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/repository=/);
    const rows = page.locator("tr[data-event]");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-event", String(eventId));
    await expect(rows.first()).toContainText(`${name}/alpine`);
    await expect(rows.first()).toContainText("delivered 2/2");
    await snap(page, "events-search");

    await page.getByRole("link", { name: `Event ${eventId}` }).click();
    await expect(page.getByRole("heading", { name: `Event ${eventId}: Artifact pushed` })).toBeVisible();
    const deliveries = page.locator("tr[data-execution]");
    await expect(deliveries).toHaveCount(2);
    await expect(deliveries.filter({ hasText: "ci-hook" })).toContainText("Success");
    await expect(deliveries.filter({ hasText: "audit-hook" })).toContainText("Success");
    await expect(deliveries.first()).toContainText("HTTP 200");
    await expect(page.getByRole("button", { name: "Copy payload" })).toBeVisible();
    await snap(page, "event-page");

    // The policy's executions, filtered by repository and then by a task's webhook-id, link back to the event.
    await page.goto(`/projects/${name}/webhooks/${policyIds[0]}?repository=${encodeURIComponent(`${name}/alpine`)}`);
    await expect(page.locator("tr[data-execution]")).toHaveCount(1);
    await expect(page.getByRole("link", { name: `Event ${eventId}` })).toBeVisible();
    await snap(page, "executions-filtered-by-repository");
    const [execution] = (await settledExecutions(adminRequest, name, policyIds[0])).filter((e) =>
      e.extra_attrs.payload.includes(`${name}/alpine`),
    );
    const [task] = await storedTasks(adminRequest, name, policyIds[0], execution.id);
    await page.goto(`/projects/${name}/webhooks/${policyIds[0]}?webhook_id=${task.extra_attrs.webhook_id}`);
    await expect(page.locator("tr[data-execution]")).toHaveCount(1);
    await expect(page.locator(`tr[data-execution="${execution.id}"]`)).toBeVisible();
    await page.getByRole("link", { name: `Execution ${execution.id}` }).click();
    await expect(page.getByRole("heading", { name: new RegExp(`Execution ${execution.id}`) })).toBeVisible();
    await page.getByRole("link", { name: /every delivery of it/ }).click();
    await expect(page).toHaveURL(new RegExp(`/events/${eventId}$`));

    // The time range: typed in the browser's local time (Tokyo), sent and applied as UTC.
    const localInput = (offsetMs: number) =>
      page.evaluate((ms) => {
        const d = new Date(Date.now() + ms);
        d.setSeconds(0, 0);
        const pad = (n: number) => String(n).padStart(2, "0");
        const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
        return { local, utc: d.toISOString(), offset: d.getTimezoneOffset() };
      }, offsetMs);
    await page.goto(`/projects/${name}/webhooks/${policyIds[0]}`);
    const hourAgo = await localInput(-3_600_000);
    expect(hourAgo.offset).toBe(-540);
    await page.getByLabel("Started from").fill(hourAgo.local);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(hourAgo.utc)}`));
    await expect(page.locator("tr[data-execution]")).toHaveCount(2);
    await expect(page.getByLabel("Started from")).toHaveValue(hourAgo.local);
    const inAnHour = await localInput(3_600_000);
    await page.getByLabel("Started from").fill(inAnHour.local);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(inAnHour.utc)}`));
    await expect(page.getByText("No execution matches these filters.")).toBeVisible();
    await snap(page, "executions-filtered-by-time");
    await page.goto(`/projects/${name}/webhooks/${policyIds[0]}/executions/${execution.id}`);
    await page.getByRole("link", { name: /every delivery of it/ }).click();
    await expect(page).toHaveURL(new RegExp(`/events/${eventId}$`));
  } finally {
    await api.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
