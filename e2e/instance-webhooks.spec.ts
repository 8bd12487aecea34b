// Instance-wide webhooks in a real browser, against the built app and its worker: a system admin
// creates one on /admin/webhooks with a project pattern; a project created afterwards whose name
// matches gets its registry events delivered to a local receiver, one that does not match does not;
// the history names the project; the project's admin sees the covering webhook read-only (no
// address) and cannot open the system admin's page.
import crypto from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { REGISTRY_NOTIFICATION_TOKEN } from "./env";
import { addMember, createProject, createUser, expect, loginAs, snap, test, uniqueName } from "./fixtures";

let receiver: LocalServer;

test.beforeAll(async () => {
  receiver = await startServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end("{}"));
});

test.afterAll(async () => {
  await receiver?.close();
});

/**
 * A registry's push notification for `repository` (its project is the first path segment); answers
 * how many deliveries it queued.
 */
async function registryPush(request: APIRequestContext, repository: string): Promise<number> {
  const digest = `sha256:${crypto.randomBytes(32).toString("hex")}`;
  const r = await request.post("/service/notifications", {
    headers: {
      Authorization: `Bearer ${REGISTRY_NOTIFICATION_TOKEN}`,
      "Content-Type": "application/vnd.docker.distribution.events.v1+json",
    },
    data: JSON.stringify({
      events: [
        {
          id: crypto.randomUUID(),
          timestamp: new Date().toISOString(),
          action: "push",
          target: {
            mediaType: "application/vnd.docker.distribution.manifest.v2+json",
            size: 1234,
            digest,
            length: 1234,
            repository,
            url: `http://registry.local:5000/v2/${repository}/manifests/${digest}`,
            tag: "1.0",
          },
          request: { id: crypto.randomUUID(), addr: "10.0.0.5:4711", host: "registry.local:5000", method: "PUT" },
          actor: { name: "ci-bot" },
          source: { addr: "registry:5000", instanceID: "e2e" },
        },
      ],
    }),
  });
  expect(r.status(), await r.text()).toBe(202);
  return ((await r.json()) as { deliveries: number }).deliveries;
}

async function createInstanceWebhook(page: Page, name: string, pattern: string) {
  await page.goto("/admin/webhooks");
  await page.getByRole("link", { name: "New webhook" }).click();
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Description").fill("Every push of the team projects");
  await form.getByLabel("Projects").fill(pattern);
  await form.getByLabel("Endpoint URL").fill(`${receiver.url}/instance`);
  await form.getByLabel("Auth header").fill("Bearer instance-s3cret");
  await snap(page, "instance-webhooks-00-form");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
}

test("a system admin's instance-wide webhook gets the events of matching projects created after it; the project's admin sees it read-only", async ({
  adminPage: page,
  browser,
}) => {
  const tag = uniqueName("inst");
  const name = uniqueName("security-team");
  const pattern = `${tag}-*`;

  await test.step("the Webhooks page of system administration starts empty and explains itself", async () => {
    await page.goto("/projects");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page).toHaveURL(/\/admin\/webhooks$/);
    await expect(page.getByRole("heading", { level: 1, name: "Instance-wide webhooks" })).toBeVisible();
  });

  await test.step("create one for the projects named like the pattern", async () => {
    await createInstanceWebhook(page, name, pattern);
    await page.goto("/admin/webhooks");
    const row = page.locator(`tr[data-policy="${name}"]`);
    await expect(row).toContainText(pattern);
  });

  const inside = `${tag}-payments`;
  const outside = uniqueName("elsewhere");
  await test.step("projects created afterwards: the matching one's creation and push are delivered, the other's are not", async () => {
    const before = receiver.requests.length;
    await createProject(page, inside);
    await createProject(page, outside);
    expect(await registryPush(page.request, `${outside}/api`)).toBe(0);
    expect(await registryPush(page.request, `${inside}/api`)).toBe(1);
    await expect.poll(() => receiver.requests.length - before, { timeout: 30_000 }).toBe(2);
    const requests = receiver.requests.slice(before);
    for (const req of requests) {
      expect(req.url).toBe("/hook/instance");
      expect(req.headers.authorization).toBe("Bearer instance-s3cret");
    }
    const bodies = requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type).sort()).toEqual(["PROJECT_CREATED", "PUSH_ARTIFACT"]);
    expect(bodies.find((b) => b.type === "PROJECT_CREATED").event_data.project.name).toBe(inside);
    expect(bodies.find((b) => b.type === "PUSH_ARTIFACT").event_data.repository.repo_full_name).toBe(`${inside}/api`);
  });

  await test.step("the webhook's history names the project each event came from", async () => {
    await page.goto("/admin/webhooks");
    await page.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    await expect(page.getByText(pattern, { exact: true }).first()).toBeVisible();
    const executions = page.getByRole("table", { name: "Executions" });
    await expect(executions.locator("tbody tr")).toHaveCount(2);
    await expect(executions.locator("[data-event-project]")).toHaveText([`in ${inside}`, `in ${inside}`]);
    await expect(executions.locator("tbody tr").first()).toContainText("Success", { timeout: 30_000 });
    await page.goto("/admin/webhooks");
    await snap(page, "instance-webhooks-01-list");
    await page.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    await snap(page, "instance-webhooks-02-webhook");
    await page
      .getByRole("link", { name: /^Execution \d+$/ })
      .first()
      .click();
    await expect(page.getByText(inside, { exact: true })).toBeVisible();
    await snap(page, "instance-webhooks-03-execution");
  });

  await test.step("the project's admin sees which instance-wide webhooks cover it, without where they send", async () => {
    const admin = { username: uniqueName("pa"), password: "Project-admin-1" };
    await createUser(page, admin);
    await addMember(page, inside, admin.username, "projectAdmin");
    const ctx = await browser.newContext();
    const other = await ctx.newPage();
    await loginAs(other, admin.username, admin.password);
    await other.goto(`/projects/${inside}/webhooks`);
    const card = other.locator("[data-instance-coverage]");
    await expect(card.locator(`[data-covering="${name}"]`)).toContainText("HTTP");
    await expect(card).not.toContainText("127.0.0.1");
    await expect(other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" })).toHaveCount(
      0,
    );
    await snap(other, "instance-webhooks-04-project-coverage");
    // The system admin's pages stay theirs.
    await other.goto("/admin/webhooks");
    await expect(other).toHaveURL(/\/forbidden/);
    await expect(other.getByText("Only system admins can manage instance-wide webhooks.")).toBeVisible();
    const api = await other.request.get("/api/v2.0/system/webhook/policies");
    expect(api.status()).toBe(403);
    await ctx.close();
  });
});
