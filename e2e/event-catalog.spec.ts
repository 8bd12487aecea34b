// The event catalog page (reached from the header) and the conditions on content in the policy
// form: set, refused with the field named, saved, shown again on edit; a test event says whether a
// real event like the sample would pass them.
import path from "node:path";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { ALL_EVENT_TYPES, EVENT_TYPES } from "../lib/shared/events";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

let receiver: LocalServer;
test.beforeAll(async () => {
  receiver = await startServer((_req, res) => res.end("ok"));
});
test.afterAll(async () => {
  await receiver?.close();
});

test("the Event types page lists every type with its CloudEvents type, fields and sample", async ({
  adminPage: page,
}) => {
  await page.goto("/projects");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Event types" }).click();
  await expect(page).toHaveURL(/\/event-types$/);
  await expect(page.getByRole("heading", { name: "Event types", level: 1 })).toBeVisible();
  for (const type of EVENT_TYPES) await expect(page.locator(`section#${type}`)).toBeVisible();
  const tag = page.locator("section#TAG_CREATED");
  await expect(tag).toContainText("harbor.tag.created");
  await expect(tag).toContainText("retag");
  await expect(tag.getByLabel("Sample TAG_CREATED payload")).toContainText('"tag": "stable"');
  await expect(page.locator("section#PROJECT_DELETED")).toContainText("project_id");
  // The operational events, last: instance-wide webhooks only.
  const paused = page.locator('section[id="webhook.target_paused"]');
  await expect(paused).toContainText("harbor.webhook.target.paused");
  await expect(paused).toContainText("Instance-wide webhooks only");
  await snap(page, "catalog-01-event-types");
  // One section at full size (the whole page is tall).
  await tag.screenshot({ path: path.join(test.info().project.testDir, "screenshots", "catalog-01b-tag-created.png") });

  // The same catalog as JSON, with the browser's session.
  const res = await page.request.get("/v1/event-types");
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { data: { type: string; schema: { type: string } }[] };
  expect(body.data.map((e) => e.type)).toEqual([...ALL_EVENT_TYPES]);
  expect(body.data.every((e) => e.schema.type === "object")).toBe(true);
});

test("conditions on content in the policy form: refused with the field named, saved, shown on edit, judged for a test event", async ({
  adminPage: page,
}) => {
  const project = uniqueName("cond");
  const name = uniqueName("scans");
  await createProject(page, project);
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Endpoint URL").fill(`${receiver.url}/scans`);

  await form.getByText("Conditions on content (optional)").click();
  await form.getByLabel("Scan finished: severity at least").selectOption("High");
  await form.getByLabel("Scan finished: more fixable vulnerabilities than").fill("5");
  await form.getByLabel("Replication result").selectOption("failed");
  await form.getByLabel("Operators", { exact: true }).fill("robot$*\nharbor-[jobservice");
  await form.getByLabel("Artifact types: mode").selectOption("exclude");
  await form.getByLabel("Artifact types", { exact: true }).fill("application/vnd.dev.cosign.*\napplication/spdx+json");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(form.locator("#policy-operator-patterns-error")).toContainText("[");
  await snap(page, "catalog-02-conditions-error");

  await form.getByLabel("Operators", { exact: true }).fill("robot$*\nharbor-jobservice");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
  await page.getByRole("link", { name: "Continue to the webhook" }).click();
  await expect(
    page.getByText("Scan finished: severity at least High or more than 5 fixable vulnerabilities"),
  ).toBeVisible();
  await expect(page.getByText("Operators: skip robot$*, harbor-jobservice")).toBeVisible();

  await page.getByRole("link", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit webhook" });
  await expect(edit.getByLabel("Scan finished: severity at least")).toHaveValue("High");
  await expect(edit.getByLabel("Scan finished: more fixable vulnerabilities than")).toHaveValue("5");
  await expect(edit.getByLabel("Replication result")).toHaveValue("failed");
  await expect(edit.getByLabel("Operators", { exact: true })).toHaveValue("robot$*\nharbor-jobservice");
  await expect(edit.getByLabel("Artifact types", { exact: true })).toHaveValue(
    "application/vnd.dev.cosign.*\napplication/spdx+json",
  );
  await edit.getByText("Conditions on content (optional)").scrollIntoViewIfNeeded();
  await snap(page, "catalog-03-conditions-form");
  await page.getByRole("link", { name: "Cancel" }).click();

  // The sample scan has severity None and nothing fixable: delivered as a test, but a real one would be skipped.
  await page.getByRole("button", { name: "Send test event" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Event type").selectOption("SCANNING_COMPLETED");
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(
    page.getByText(/As a real event it would be skipped by this webhook's conditions: the scan has severity None/),
  ).toBeVisible();
  await snap(page, "catalog-04-test-event-verdict");
});
