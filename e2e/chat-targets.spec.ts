// Chat notify types in a real browser: a webhook of each (Teams, Google Chat, Mattermost, Discord)
// created with the form, a test event delivered to a local stand-in for the tool, and the type's
// label on the grid and in the history.
import type { Page } from "@playwright/test";
import { startServer, type LocalServer } from "../tests/helpers/receiver";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

const TOOLS = [
  { type: "teams", label: "Microsoft Teams", urlLabel: "Teams Workflows webhook URL", hint: /Workflows/ },
  { type: "googlechat", label: "Google Chat", urlLabel: "Google Chat webhook URL", hint: /Add webhook/ },
  { type: "mattermost", label: "Mattermost", urlLabel: "Mattermost incoming webhook URL", hint: /Incoming Webhooks/ },
  { type: "discord", label: "Discord", urlLabel: "Discord webhook URL", hint: /Copy Webhook URL/ },
] as const;

let tool: LocalServer;

test.beforeAll(async () => {
  // One stand-in for every tool: each answers 2xx to a JSON POST (Discord 204, Teams 202).
  tool = await startServer((req, res) => {
    res.statusCode = req.url?.includes("discord") ? 204 : req.url?.includes("teams") ? 202 : 200;
    res.end();
  });
});
test.afterAll(async () => {
  await tool?.close();
});

async function createChatPolicy(page: Page, project: string, t: (typeof TOOLS)[number], name: string) {
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel(t.label, { exact: true }).check();
  await expect(form.getByTestId("notify-type-hint")).toHaveText(t.hint);
  // The tool's own message (Default) unless a Custom template is chosen; CloudEvents is http's only.
  const formats = form.getByRole("group", { name: "Payload format" });
  await expect(formats.getByRole("radio")).toHaveCount(2);
  await expect(formats.getByLabel("Default")).toBeChecked();
  await expect(form.getByLabel("Auth header")).toHaveCount(0);
  await form.getByLabel(t.urlLabel).fill(`${tool.url}/${t.type}/hook`);
  if (t.type === "teams") await snap(page, "chat-01-teams-form");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
}

test("a webhook of each chat type: created with the form, a test event delivered, its label shown", async ({
  adminPage: page,
}) => {
  const project = uniqueName("chat");
  await createProject(page, project);
  const names = Object.fromEntries(TOOLS.map((t) => [t.type, uniqueName(t.type)]));

  for (const t of TOOLS) {
    await test.step(`${t.label}: create, send a test event, see it delivered`, async () => {
      await createChatPolicy(page, project, t, names[t.type]);
      await page.goto(`/projects/${project}/webhooks`);
      const row = page.locator(`tr[data-policy="${names[t.type]}"]`);
      await expect(row).toContainText(t.label);
      await page.getByRole("link", { name: names[t.type], exact: true }).click();
      const before = tool.requests.length;
      await page.getByRole("button", { name: "Send test event" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Event type").selectOption("SCANNING_COMPLETED");
      await dialog.getByRole("button", { name: "Send" }).click();
      await expect(page.getByText(/Test event sent: 1 delivery queued\./)).toBeVisible();
      const execution = page.getByRole("table", { name: "Executions" }).locator("tbody tr").first();
      await expect(execution).toContainText("Success", { timeout: 20_000 });
      await expect(execution).toContainText(t.label);

      const sent = tool.requests.slice(before).find((r) => r.url.includes(`/${t.type}/hook`));
      expect(sent, `a request to the ${t.label} stand-in`).toBeDefined();
      expect(sent!.headers["content-type"]).toBe("application/json");
      const body = JSON.parse(sent!.body);
      const text = JSON.stringify(body);
      expect(text).toContain(`${project}/harbor-notifier-test`);
      expect(text).toMatch(/\/projects\/\d+\/webhooks\/\d+\/executions\/\d+/); // EXTERNAL_URL is set
      if (t.type === "teams") expect(body.attachments[0].content.version).toBe("1.4");
      if (t.type === "googlechat") expect(body.cardsV2[0].card.header.title).toMatch(/^Scanning finished/);
      if (t.type === "mattermost") expect(body.attachments[0].fields.length).toBeGreaterThan(0);
      if (t.type === "discord") expect(body.allowed_mentions).toEqual({ parse: [] });
    });
  }

  await test.step("the grid names each type", async () => {
    await page.goto(`/projects/${project}/webhooks`);
    for (const t of TOOLS) await expect(page.locator(`tr[data-policy="${names[t.type]}"]`)).toContainText(t.label);
    await snap(page, "chat-02-grid");
  });
});
