// The webhook admin UI in a real browser, against the built app and its worker: policies (HTTP and
// Slack), test events, executions, tasks, attempts, logs, failures, redelivery, pausing, editing,
// deleting, and what maintainers and guests see.
import type { Browser, Locator, Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { policyIdByName, settledExecutions, storedTasks } from "./executions";
import { addMember, createProject, createUser, expect, loginAs, openRowMenu, snap, test, uniqueName } from "./fixtures";

/** How the local HTTP receiver answers: the tests switch it between healthy, failing and gone. */
let mode: "ok" | "fail" | "gone" = "ok";
let receiver: LocalServer;
let slack: LocalServer;

test.beforeAll(async () => {
  receiver = await startServer((_req, res) => {
    if (mode === "fail") res.writeHead(500, { "Content-Type": "text/plain" }).end("receiver is down for maintenance");
    else if (mode === "gone") res.writeHead(410).end("gone");
    else res.writeHead(200, { "Content-Type": "application/json" }).end('{"received":true}');
  });
  // A fake Slack incoming webhook: Slack answers 200 with the body "ok".
  slack = await startServer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("ok"));
});

test.afterAll(async () => {
  await receiver?.close();
  await slack?.close();
});

test.beforeEach(() => {
  mode = "ok";
});

const webhooksUrl = (project: string) => `/projects/${project}/webhooks`;

type NewPolicy = {
  name: string;
  url: string;
  slack?: boolean;
  authHeader?: string;
  description?: string;
  maxAttempts?: string;
  firstRetrySeconds?: string;
  cloudEvents?: boolean;
};

/** Fills the add form and submits it; returns the signing secret shown once. */
async function createPolicy(page: Page, project: string, p: NewPolicy): Promise<string> {
  await page.goto(`${webhooksUrl(project)}/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(p.name);
  if (p.description) await form.getByLabel("Description").fill(p.description);
  if (p.slack) await form.getByLabel("Slack", { exact: true }).check();
  if (p.cloudEvents) await form.getByLabel("CloudEvents").check();
  await form.getByLabel(p.slack ? "Slack incoming webhook URL" : "Endpoint URL").fill(p.url);
  if (p.authHeader) await form.getByLabel("Auth header").fill(p.authHeader);
  if (p.maxAttempts || p.firstRetrySeconds) await form.getByText("Filters and retries (optional)").click();
  if (p.maxAttempts) await form.getByLabel("Max attempts").fill(p.maxAttempts);
  if (p.firstRetrySeconds) await form.getByLabel("First retry delay (seconds)").fill(p.firstRetrySeconds);
  await form.getByRole("button", { name: "Add", exact: true }).click();
  const secret = page.getByRole("region", { name: "Signing secret" });
  await expect(secret).toBeVisible();
  const value = (await secret.getByTestId("secret-value").textContent()) ?? "";
  expect(value).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  return value;
}

/** The policy page of a webhook, from the grid. */
async function openPolicy(page: Page, project: string, name: string) {
  await page.goto(webhooksUrl(project));
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
}

async function sendTestEvent(page: Page, trigger: Locator, eventType = "PUSH_ARTIFACT") {
  await trigger.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Event type").selectOption(eventType);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/Test event sent: 1 delivery queued\./)).toBeVisible();
}

function executionRow(page: Page, n = 0) {
  return page.getByRole("table", { name: "Executions" }).locator("tbody tr").nth(n);
}

async function asUser(browser: Browser, username: string, password: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await loginAs(page, username, password);
  return page;
}

test("an HTTP webhook: create, test event, execution Success, task, attempt, log and download; rotate the signing key", async ({
  adminPage: page,
}) => {
  const project = uniqueName("hooks");
  const name = uniqueName("ci-build");
  await createProject(page, project);

  await test.step("the empty grid explains what a webhook is", async () => {
    await page.goto(webhooksUrl(project));
    const sections = page.getByRole("navigation", { name: "Project sections" });
    await expect(sections.getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByText("No webhooks yet")).toBeVisible();
    await expect(page.getByText(/A webhook sends an HTTP POST/)).toBeVisible();
    await snap(page, "webhooks-01-empty");
  });

  await test.step("the form refuses what the shared schema refuses, inline", async () => {
    await page.getByRole("link", { name: "New webhook" }).click();
    const form = page.getByRole("form", { name: "New webhook" });
    await expect(form.getByLabel("Verify remote certificate")).toBeChecked();
    await form.getByLabel("Endpoint URL").fill("ftp://example.com/hook");
    await form.getByRole("button", { name: "Clear" }).click();
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Name")).toHaveAccessibleDescription(/Enter a name\./);
    await expect(form.getByLabel("Endpoint URL")).toHaveAccessibleDescription(
      /Enter a URL that starts with http:\/\/ or https:\/\//,
    );
    await expect(form.getByText("Choose at least one event type.")).toBeVisible();
    // focus goes to the first field at fault
    await expect(form.getByLabel("Name")).toBeFocused();
    await snap(page, "webhooks-02-form-errors");
  });

  await test.step("create: the signing secret is shown once", async () => {
    await createPolicy(page, project, {
      name,
      url: receiver.url,
      authHeader: "Bearer e2e-s3cret",
      description: "Builds on push",
    });
    await expect(page.getByText(/shown only this once/)).toBeVisible();
    await snap(page, "webhooks-03-created-secret");
    await page.getByRole("link", { name: "Continue to the webhook" }).click();
    await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    await expect(page.getByText("Set (hidden)")).toBeVisible();
  });

  await test.step("the grid lists it with all of Harbor's columns", async () => {
    await page.goto(webhooksUrl(project));
    const row = page.locator(`tr[data-policy="${name}"]`);
    await expect(row).toContainText("Enabled");
    await expect(row).toContainText("HTTP");
    await expect(row).toContainText("Default");
    await expect(row).toContainText(receiver.url);
    await expect(row).toContainText("All event types");
    await expect(row).toContainText("Never");
    await expect(row).toContainText("Builds on push");
    await snap(page, "webhooks-04-grid");
  });

  const before = receiver.requests.length;
  await test.step("send a test event; the execution turns Success by itself", async () => {
    await openPolicy(page, project, name);
    await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
    await expect(executionRow(page)).toContainText("Success", { timeout: 20_000 });
    await expect(page.getByText("Nothing pending or running.")).toBeVisible();
    expect(receiver.requests.length).toBe(before + 1);
    const sent = receiver.requests[before];
    expect(sent.headers.authorization).toBe("Bearer e2e-s3cret");
    expect(sent.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(JSON.parse(sent.body)).toMatchObject({
      type: "PUSH_ARTIFACT",
      event_data: { repository: { repo_full_name: `${project}/harbor-notifier-test` } },
    });
    await snap(page, "webhooks-05-policy-executions");
    await executionRow(page).getByRole("button", { name: "Show payload" }).click();
    const payload = page.getByRole("dialog", { name: /^Payload of execution \d+$/ });
    await expect(payload.getByLabel(/^Payload of execution/)).toContainText('"type": "PUSH_ARTIFACT"');
    await expect(payload.getByRole("button", { name: "Copy" })).toBeVisible();
    await snap(page, "webhooks-05b-payload-dialog");
    await page.keyboard.press("Escape");
    await expect(payload).toBeHidden();
  });

  await test.step("filters: by status and by event type", async () => {
    const filters = page.getByRole("form", { name: "Filter executions" });
    await filters.getByLabel("Status").selectOption("Error");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText("No execution matches these filters.")).toBeVisible();
    await filters.getByLabel("Status").selectOption("Success");
    await filters.getByLabel("Event type").selectOption("PUSH_ARTIFACT");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/status=Success&event_type=PUSH_ARTIFACT/);
    await expect(executionRow(page)).toContainText("Artifact pushed");
    await filters.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/status=/);
  });

  await test.step("the execution page: counts, task, attempt with headers, body and response", async () => {
    await executionRow(page)
      .getByRole("link", { name: /^Execution \d+$/ })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: /^Execution \d+/ })).toBeVisible();
    await expect(page.locator('[data-metric="Success"] dd')).toHaveText("1");
    await expect(page.locator('[data-metric="Error"] dd')).toHaveText("0");
    const task = page.getByRole("table", { name: "Tasks" }).locator("tbody tr").first();
    await expect(task).toContainText("Success");
    await expect(task).toContainText("1 attempt");
    const attempt = page.locator('[data-attempt="1"]');
    await expect(attempt).toContainText("200");
    await expect(attempt.getByRole("table", { name: "Request headers of attempt 1" })).toContainText(
      "Authorization••••••••",
    );
    await expect(attempt.getByRole("table", { name: "Request headers of attempt 1" })).not.toContainText("e2e-s3cret");
    await expect(attempt).toContainText('{"received":true}');
    await expect(page.getByRole("region", { name: /request and attempts/ }).getByLabel("Request body")).toContainText(
      `"repo_full_name": "${project}/harbor-notifier-test"`,
    );
    await snap(page, "webhooks-06-execution-tasks");
  });

  await test.step("the log, and its download", async () => {
    await page.getByRole("link", { name: /^Log of task \d+$/ }).click();
    const log = page.getByLabel(/^Log of task \d+$/);
    await expect(log).toContainText("start to run webhook job");
    await expect(log).toContainText("success to run webhook job");
    await snap(page, "webhooks-07-log");
    const href = await page.getByRole("link", { name: "Download log" }).getAttribute("href");
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers()["content-disposition"]).toMatch(
      /^attachment; filename="webhook-\d+-execution-\d+-task-\d+\.log"$/,
    );
    expect(await res.text()).toContain("success to run webhook job");
  });

  await test.step("rotate the signing key: the new secret is shown once, the old one keeps signing", async () => {
    await openPolicy(page, project, name);
    await page.getByRole("button", { name: "Rotate signing key" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the signing key?" });
    await expect(dialog).toContainText("keeps signing too, for 24 hours");
    await dialog.getByRole("button", { name: "Rotate" }).click();
    const secret = page.getByRole("region", { name: "New signing secret" });
    await expect(secret.getByTestId("secret-value")).toHaveText(/^whsec_/);
    await expect(secret).toContainText("The previous key keeps signing until");
    await snap(page, "webhooks-08-rotated-key");
    await page.reload();
    await expect(page.getByText(/The previous key also signs until/)).toBeVisible();
    await expect(page.getByRole("region", { name: "New signing secret" })).toHaveCount(0);
  });

  await test.step("on a phone-sized screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    await snap(page, "webhooks-21-policy-mobile");
    await page.goto(webhooksUrl(project));
    await snap(page, "webhooks-22-grid-mobile");
  });
});

test("a Slack webhook to a local fake Slack; the name is checked as you type", async ({ adminPage: page }) => {
  const project = uniqueName("slack");
  const name = uniqueName("team-channel");
  await createProject(page, project);
  await createPolicy(page, project, { name: "first", url: receiver.url });

  await test.step("a taken name is flagged before submitting", async () => {
    await page.goto(`${webhooksUrl(project)}/new`);
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Name").fill("first");
    await expect(form.getByLabel("Name")).toHaveAccessibleDescription(
      /A webhook named "first" already exists in this project\. Choose another name\./,
    );
    await form.getByLabel("Name").fill(name);
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "false");
  });

  await test.step("Slack: its rate-limit note; no payload format, auth header or certificate option", async () => {
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Slack", { exact: true }).check();
    await expect(form.getByText(/about one message per second per incoming webhook/)).toBeVisible();
    await expect(form.getByRole("group", { name: "Payload format" })).toHaveCount(0);
    await expect(form.getByLabel("Auth header")).toHaveCount(0);
    await expect(form.getByLabel("Verify remote certificate")).toHaveCount(0);
    await form.getByLabel("Slack incoming webhook URL").fill(slack.url);
    await snap(page, "webhooks-09-slack-form");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
  });

  await test.step("a test event reaches the fake Slack as a Block Kit message", async () => {
    await page.goto(webhooksUrl(project));
    const row = page.locator(`tr[data-policy="${name}"]`);
    await expect(row).toContainText("Slack");
    await openRowMenu(row, name);
    await sendTestEvent(page, row.getByRole("button", { name: `Send a test event to ${name}` }), "SCANNING_COMPLETED");
    await page.getByRole("link", { name: "See the executions" }).click();
    await expect(executionRow(page)).toContainText("Success", { timeout: 20_000 });
    await expect(executionRow(page)).toContainText("Slack");
    await expect(executionRow(page)).toContainText("Scanning finished");
    const message = JSON.parse(slack.requests.at(-1)!.body);
    expect(JSON.stringify(message.blocks)).toContain("Harbor webhook events");
    expect(JSON.stringify(message.blocks)).toContain("SCANNING_COMPLETED");
    await snap(page, "webhooks-10-slack-executions");
  });
});

test("failures: Error after the retries, redeliver a task, redeliver failed in a range, a 410 pauses the target", async ({
  adminPage: page,
}) => {
  const project = uniqueName("fail");
  const name = uniqueName("flaky");
  await createProject(page, project);
  await createPolicy(page, project, { name, url: receiver.url, maxAttempts: "3" });
  await openPolicy(page, project, name);

  await test.step("the receiver answers 500: three attempts, then Error", async () => {
    mode = "fail";
    await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
    await expect(executionRow(page)).toContainText("Error", { timeout: 30_000 });
    await expect(executionRow(page)).toContainText("response code 500");
    await expect(executionRow(page).locator("[data-run-count]")).toHaveText("3 of 3 attempts (gave up)");
    await snap(page, "webhooks-11-execution-error");
    await executionRow(page)
      .getByRole("link", { name: /^Execution \d+$/ })
      .click();
    await expect(page.locator('[data-metric="Error"] dd')).toHaveText("1");
    await expect(page.getByRole("table", { name: "Tasks" })).toContainText("3 of 3");
    for (const n of [1, 2, 3]) await expect(page.locator(`[data-attempt="${n}"]`)).toContainText("500");
    await expect(page.locator('[data-attempt="3"]')).toContainText("receiver is down for maintenance");
    await snap(page, "webhooks-12-attempts-error");
    await page.getByRole("link", { name: /^Log of task \d+$/ }).click();
    await expect(page.getByLabel(/^Log of task \d+$/)).toContainText("failed to run webhook job: response code 500");
    await expect(page.getByLabel(/^Log of task \d+$/)).toContainText("gave up after 3 attempts");
    await page.goBack();
  });

  await test.step("fixed: redeliver the task → Success, on the same task", async () => {
    mode = "ok";
    const sentBefore = receiver.requests.length;
    await page.getByRole("button", { name: /^Redeliver task \d+$/ }).click();
    const confirm = page.getByRole("dialog", { name: /^Redeliver task \d+\?$/ });
    await confirm.getByRole("button", { name: "Redeliver" }).click();
    await expect(page.getByText("Queued for redelivery.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Success", { timeout: 20_000 });
    await expect(page.getByRole("table", { name: "Tasks" })).toContainText("redelivered: attempt 4 (3 before)");
    await expect(page.locator('[data-attempt="4"]')).toContainText("200");
    expect(receiver.requests.length).toBe(sentBefore + 1);
    // the same webhook-id, so receivers can de-duplicate
    const ids = receiver.requests.slice(-2).map((r) => r.headers["webhook-id"]);
    expect(ids[0]).toBe(ids[1]);
  });

  await test.step("redeliver everything that failed in a time range", async () => {
    await openPolicy(page, project, name);
    mode = "fail";
    await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }), "DELETE_ARTIFACT");
    await expect(executionRow(page)).toContainText("Error", { timeout: 30_000 });
    mode = "ok";
    const form = page.getByRole("form", { name: "Redeliver failed deliveries" });
    await expect(form.getByLabel("From")).not.toHaveValue("");
    await form.getByRole("button", { name: "Redeliver failed" }).click();
    await page
      .getByRole("dialog", { name: "Redeliver 1 failed delivery?" })
      .getByRole("button", { name: "Redeliver" })
      .click();
    await expect(form.getByText("1 delivery queued for redelivery.")).toBeVisible();
    await expect(executionRow(page)).toContainText("Success", { timeout: 20_000 });
    await expect(page.getByRole("table", { name: "Executions" })).not.toContainText("Error");
  });

  await test.step("410 Gone pauses the target; the grid says why and Resume brings it back", async () => {
    mode = "gone";
    await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
    await expect(executionRow(page)).toContainText("Error", { timeout: 20_000 });
    await page.goto(webhooksUrl(project));
    const row = page.locator(`tr[data-policy="${name}"]`);
    await expect(row).toContainText("Paused");
    await expect(row).toContainText("410 Gone");
    await snap(page, "webhooks-13-paused-target");
    mode = "ok";
    await row.getByRole("button", { name: "Resume" }).click();
    await expect(row).not.toContainText("Paused");
  });
});

test("a delivery waiting for its retry: the page refreshes while it is pending, Stop ends it, and refreshing stops", async ({
  adminPage: page,
  adminRequest,
}) => {
  const project = uniqueName("stop");
  const name = uniqueName("slow-retry");
  await createProject(page, project);
  // An hour before the retry (the e2e server scales backoff by 0.01: 36 s), so the task stays Pending.
  await createPolicy(page, project, { name, url: receiver.url, maxAttempts: "5", firstRetrySeconds: "3600" });
  await openPolicy(page, project, name);
  mode = "fail";
  await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
  await expect(executionRow(page)).toContainText("attempt 1 failed", { timeout: 20_000 });
  await expect(executionRow(page)).toContainText("Pending");
  await expect(page.getByText(/Deliveries in progress; this page updates every 2 s\./)).toBeVisible();
  await snap(page, "webhooks-20-pending-retry");

  await executionRow(page)
    .getByRole("button", { name: /^Stop execution \d+$/ })
    .click();
  const dialog = page.getByRole("dialog", { name: /^Stop execution \d+\?$/ });
  await dialog.getByRole("button", { name: "Stop delivery" }).click();
  await expect(executionRow(page)).toContainText("Stopped");
  await expect(executionRow(page)).toContainText("stopped by admin");
  await expect(page.getByText("Nothing pending or running.")).toBeVisible();
  // Stopped is final (only Pending tasks are claimed): the one attempt made is all the receiver gets.
  const policyId = await policyIdByName(adminRequest, project, name);
  const executions = await settledExecutions(adminRequest, project, policyId);
  expect(executions.map((e) => e.status)).toEqual(["Stopped"]);
  const [task] = await storedTasks(adminRequest, project, policyId, executions[0].id);
  expect(task).toMatchObject({ status: "Stopped", run_count: 1 });
  expect(receiver.requests.filter((r) => r.headers["webhook-id"] === task.extra_attrs.webhook_id)).toHaveLength(1);
});

test("deactivate (with confirmation), edit (the auth header stays write-only), delete", async ({ adminPage: page }) => {
  const project = uniqueName("edit");
  const name = uniqueName("deploy");
  await createProject(page, project);
  await createPolicy(page, project, { name, url: receiver.url, authHeader: "Bearer keep-me" });
  await page.goto(webhooksUrl(project));
  const row = page.locator(`tr[data-policy="${name}"]`);

  await test.step("deactivate asks first, and says what happens to events", async () => {
    await openRowMenu(row, name);
    await row.getByRole("button", { name: `Deactivate ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Deactivate webhook “${name}”?` });
    await expect(dialog).toContainText("not queued for later");
    await snap(page, "webhooks-14-deactivate-dialog");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(row).toContainText("Enabled");
    await openRowMenu(row, name);
    await row.getByRole("button", { name: `Deactivate ${name}` }).click();
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await expect(row).toContainText("Deactivated");
    await openRowMenu(row, name);
    await expect(row.getByRole("button", { name: `Enable ${name}` })).toBeVisible();
  });

  await test.step("edit: the stored auth header is masked and kept unless replaced", async () => {
    await openRowMenu(row, name);
    await row.getByRole("link", { name: `Edit ${name}` }).click();
    const form = page.getByRole("form", { name: "Edit webhook" });
    await expect(form.getByLabel("Auth header")).toHaveValue("••••••••");
    await expect(page.content()).resolves.not.toContain("keep-me");
    await expect(form.getByRole("button", { name: "Replace" })).toBeVisible();
    // The stored header stays with the address's origin: the form says so while another one is typed.
    const address = form.getByLabel("Endpoint URL");
    const saved = await address.inputValue();
    const note = form.getByTestId("origin-change-note");
    await address.fill("https://elsewhere.example/hook");
    await expect(note).toContainText("The stored auth header is not sent there");
    await snap(page, "webhooks-15a-origin-change-note");
    await address.fill(`${new URL(saved).origin}/another/path`);
    await expect(note).toBeHidden();
    await address.fill(saved);
    await form.getByLabel("Description").fill("edited in the browser");
    await form.getByLabel("Artifact pulled").uncheck();
    await form.getByText("Filters and retries (optional)").click();
    await form.getByLabel("Tag pattern").fill("v*");
    await snap(page, "webhooks-15-edit-form");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Webhook saved.")).toBeVisible();
    await expect(page.getByText("edited in the browser")).toBeVisible();
    await expect(page.getByText("Set (hidden)")).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: "v*" })).toBeVisible();
    await expect(page.getByRole("definition").filter({ hasText: "Artifact pulled" })).toHaveCount(0);
    await expect(page.getByRole("definition").filter({ hasText: "Artifact pushed" })).toBeVisible();

    const before = receiver.requests.length;
    await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
    await expect(executionRow(page)).toContainText("Success", { timeout: 20_000 });
    expect(receiver.requests[before].headers.authorization).toBe("Bearer keep-me");
  });

  await test.step("delete explains that pending deliveries are stopped", async () => {
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Delete webhook “${name}”?` });
    await expect(dialog).toContainText("still pending or waiting for a retry are stopped");
    await snap(page, "webhooks-16-delete-dialog");
    await dialog.getByRole("button", { name: "Delete webhook" }).click();
    await expect(page).toHaveURL(new RegExp(`${webhooksUrl(project)}\\?deleted=`));
    await expect(page.getByText("Webhook deleted.")).toBeVisible();
    await expect(page.getByText("No webhooks yet")).toBeVisible();
  });
});

test("a maintainer sees webhooks and history read-only without secrets; a guest gets no Webhooks tab", async ({
  adminPage: page,
  browser,
}) => {
  const project = uniqueName("roles");
  const name = uniqueName("readonly");
  const maintainer = { username: uniqueName("maint"), password: "maintainer-Passw0rd" };
  const guest = { username: uniqueName("guest"), password: "guest-Passw0rd-123" };
  await createProject(page, project);
  await createUser(page, maintainer);
  await createUser(page, guest);
  await addMember(page, project, maintainer.username, "maintainer");
  await addMember(page, project, guest.username, "guest");
  await createPolicy(page, project, { name, url: receiver.url, authHeader: "Bearer hidden-from-maintainers" });
  await openPolicy(page, project, name);
  await sendTestEvent(page, page.getByRole("button", { name: "Send test event" }));
  await expect(executionRow(page)).toContainText("Success", { timeout: 20_000 });
  const policyUrl = new URL(page.url()).pathname;

  await test.step("maintainer: the grid and the policy without any action", async () => {
    const m = await asUser(browser, maintainer.username, maintainer.password);
    await m.goto(webhooksUrl(project));
    await expect(m.getByText("Only project admins can change webhooks.")).toBeVisible();
    const row = m.locator(`tr[data-policy="${name}"]`);
    await expect(row).toContainText("Success");
    for (const label of ["New webhook", "Edit", "Deactivate", "Delete", "Send test event"]) {
      await expect(m.getByRole("button", { name: label })).toHaveCount(0);
      await expect(m.getByRole("link", { name: label })).toHaveCount(0);
    }
    await expect(m.getByRole("link", { name: "API keys" })).toHaveCount(0);
    await snap(m, "webhooks-17-maintainer-grid");

    await m.goto(policyUrl);
    await expect(executionRow(m)).toContainText("Success");
    await expect(m.getByText("Auth header")).toHaveCount(0);
    await expect(m.getByText("Signing key")).toHaveCount(0);
    await expect(m.getByRole("form", { name: "Redeliver failed deliveries" })).toHaveCount(0);
    await expect(m.getByRole("button", { name: /Rotate|Send test event|Stop/ })).toHaveCount(0);
    await snap(m, "webhooks-18-maintainer-policy");

    await executionRow(m)
      .getByRole("link", { name: /^Execution \d+$/ })
      .click();
    await expect(m.locator('[data-attempt="1"]')).toContainText("200");
    await expect(m.locator('[data-attempt="1"]')).not.toContainText("Authorization");
    await expect(m.getByRole("button", { name: /Redeliver/ })).toHaveCount(0);
    expect(await m.content()).not.toContain("hidden-from-maintainers");
    await m.getByRole("link", { name: /^Log of task \d+$/ }).click();
    await expect(m.getByLabel(/^Log of task \d+$/)).toContainText("success to run webhook job");

    await m.goto(`${policyUrl}/edit`);
    await expect(m).toHaveURL(/\/forbidden/);
    await m.goto(`/projects/${project}/api-keys`);
    await expect(m).toHaveURL(/\/forbidden/);
    await m.context().close();
  });

  await test.step("guest: no Webhooks tab, and the forbidden page for the URL", async () => {
    const g = await asUser(browser, guest.username, guest.password);
    await g.goto(`/projects/${project}`);
    await expect(g).toHaveURL(new RegExp(`/projects/${project}/members$`));
    const tabs = g.getByRole("navigation", { name: "Project sections" });
    await expect(tabs.getByRole("link", { name: "Members" })).toBeVisible();
    await expect(tabs.getByRole("link", { name: "Webhooks" })).toHaveCount(0);
    await snap(g, "webhooks-19-guest-no-tab");
    await g.goto(webhooksUrl(project));
    await expect(g).toHaveURL(/\/forbidden/);
    await expect(g.getByRole("heading", { name: "You don't have permission to see this" })).toBeVisible();
    await g.goto(policyUrl);
    await expect(g).toHaveURL(/\/forbidden/);
    const download = await g.request.get(`${policyUrl}/executions/1/tasks/1/log/download`);
    expect(download.status()).toBe(403);
    await g.context().close();
  });
});
