// Custom payload templates in a real browser: a webhook created with the form from a preset, its
// live preview for a chosen event type, a template error shown with its line and column, custom
// headers, and a test event delivered to a local receiver as the rendered body.
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

let receiver: LocalServer;

test.beforeAll(async () => {
  receiver = await startServer((_req, res) => res.end("ok"));
});
test.afterAll(async () => {
  await receiver?.close();
});

test("a Custom webhook from a preset: live preview, template errors with position, delivered as rendered", async ({
  adminPage: page,
}) => {
  const project = uniqueName("tmpl");
  const name = uniqueName("custom");
  await createProject(page, project);
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Endpoint URL").fill(`${receiver.url}/rocket`);

  await test.step("choosing Custom shows the editor; a preset fills it and the preview renders", async () => {
    await form.getByRole("group", { name: "Payload format" }).getByLabel("Custom").check();
    const editor = form.getByTestId("template-editor");
    await expect(editor).toBeVisible();
    await editor.getByLabel("Start from a preset").selectOption("rocketchat");
    await editor.getByRole("button", { name: "Use preset" }).click();
    await expect(editor.getByLabel("Content type")).toHaveValue("application/json");
    await editor.getByLabel("Preview for").selectOption("DELETE_ARTIFACT");
    const preview = editor.getByTestId("template-preview");
    await expect(preview).toContainText('"text": "Artifact deleted: harbor/alpine:3.8"');
    JSON.parse((await preview.textContent()) ?? "");
    await snap(page, "templates-01-preset-preview");
  });

  await test.step("a broken template is reported with its line and column, in the preview and on save", async () => {
    const editor = form.getByTestId("template-editor");
    const textarea = editor.getByLabel("Payload template (Liquid)");
    const good = await textarea.inputValue();
    await textarea.fill(`${good}\n{{ operator | no_such_filter }}`);
    const lines = good.split("\n").length + 1;
    await expect(editor.getByTestId("template-preview-error")).toHaveText(
      `line ${lines}, column 1: undefined filter: no_such_filter`,
    );
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(form.locator("#policy-payload-template-error")).toHaveText(
      `Line ${lines}, column 1: undefined filter: no_such_filter.`,
    );
    await snap(page, "templates-02-template-error");
    await textarea.fill(good);
  });

  await test.step("a custom header, then save", async () => {
    await form.getByRole("button", { name: "Add header" }).click();
    await form.getByLabel("Header 1 name").fill("X-Rocket-Token");
    await form.getByLabel("Header 1 value").fill("rocket-secret");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
  });

  await test.step("a test event arrives as the rendered body, with the header", async () => {
    await page.getByRole("link", { name: "Continue to the webhook" }).click();
    const before = receiver.requests.length;
    await page.getByRole("button", { name: "Send test event" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Event type").selectOption("PUSH_ARTIFACT");
    await dialog.getByRole("button", { name: "Send" }).click();
    const execution = page.getByRole("table", { name: "Executions" }).locator("tbody tr").first();
    await expect(execution).toContainText("Success", { timeout: 20_000 });
    const sent = receiver.requests.slice(before).find((r) => r.url.endsWith("/rocket"));
    expect(sent).toBeDefined();
    expect(sent!.headers["x-rocket-token"]).toBe("rocket-secret");
    const body = JSON.parse(sent!.body);
    expect(body.alias).toBe("Harbor");
    expect(body.text).toContain(`${project}/harbor-notifier-test`);
    expect(body.attachments[0].title_link).toMatch(/\/projects\/\d+\/webhooks\/\d+\/executions\/\d+$/);
  });

  await test.step("editing shows the stored header masked and the template", async () => {
    await page.goto(`${new URL(page.url()).pathname}/edit`);
    const edit = page.getByRole("form", { name: "Edit webhook" });
    await expect(edit.getByLabel("Header 1 name")).toHaveValue("X-Rocket-Token");
    await expect(edit.getByLabel("Header 1 value")).toHaveValue("••••••••");
    await expect(edit.getByTestId("template-preview")).toBeVisible();
    await expect(page.getByText("rocket-secret")).toHaveCount(0);
    await snap(page, "templates-03-edit");
  });
});
