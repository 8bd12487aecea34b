// Email targets in a real browser: the SMTP server saved on the settings page (its password
// write-only), "Send test email", and a webhook with an Email target whose test event arrives at a
// local SMTP server as a multipart message.
import { mimeParts, startSmtp, type LocalSmtp } from "../tests/helpers/smtp-receiver";
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

const PASSWORD = "e2e-smtp-Passw0rd";
let smtp: LocalSmtp;

test.beforeAll(async () => {
  smtp = await startSmtp();
});
test.afterAll(async () => {
  await smtp?.close();
});

test("SMTP settings saved, a test email sent, and a webhook's email target delivered", async ({ adminPage: page }) => {
  await test.step("save the SMTP server on the settings page", async () => {
    await page.goto("/admin/settings");
    const form = page.getByRole("form", { name: "System settings" });
    await form.getByLabel("Host", { exact: true }).fill("127.0.0.1");
    await form.getByLabel("Port", { exact: true }).fill(String(smtp.port));
    await form.getByLabel("TLS mode").selectOption("none");
    await form.getByLabel("From address").fill("harbor@example.com");
    await form.getByLabel("User", { exact: true }).fill("notifier");
    await form.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    await expect(form.getByLabel("Replace the password")).toHaveValue("");
    await expect(form.getByText("A password is set; leave empty to keep it.")).toBeVisible();
    expect(await page.content()).not.toContain(PASSWORD);
  });

  await test.step("send a test email", async () => {
    const before = smtp.mails.length;
    const form = page.getByRole("form", { name: "System settings" });
    await form.getByLabel("Send a test email").fill("me@example.com");
    await form.getByRole("button", { name: "Send test email" }).click();
    await expect(page.getByTestId("test-email-result")).toContainText("Sent to me@example.com through 127.0.0.1:");
    expect(smtp.mails[before].to).toEqual(["me@example.com"]);
    expect(smtp.logins.at(-1)).toEqual({ user: "notifier", password: PASSWORD });
    await snap(page, "email-01-smtp-settings");
  });

  const project = uniqueName("mail");
  const name = uniqueName("email");
  await test.step("create a webhook with an Email target", async () => {
    await createProject(page, project);
    await page.goto(`/projects/${project}/webhooks/new`);
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Email", { exact: true }).check();
    await expect(form.getByTestId("notify-type-hint")).toHaveText(/Up to 20 recipients/);
    await expect(form.getByRole("group", { name: "Payload format" })).toHaveCount(0);
    const address = form.getByLabel("Recipients (mailto: address)");
    await address.fill("mailto:ops@example.com,not-an-address");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(form.getByText('"not-an-address" is not an email address such as ops@example.com.')).toBeVisible();
    await address.fill("mailto:ops@example.com,dev@example.com");
    await snap(page, "email-02-webhook-form");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
  });

  await test.step("send a test event: the email arrives", async () => {
    await page.goto(`/projects/${project}/webhooks`);
    await expect(page.locator(`tr[data-policy="${name}"]`)).toContainText("Email");
    await page.getByRole("link", { name, exact: true }).click();
    const before = smtp.mails.length;
    await page.getByRole("button", { name: "Send test event" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Event type").selectOption("PUSH_ARTIFACT");
    await dialog.getByRole("button", { name: "Send" }).click();
    await expect(page.getByText(/Test event sent: 1 delivery queued\./)).toBeVisible();
    const execution = page.getByRole("table", { name: "Executions" }).locator("tbody tr").first();
    await expect(execution).toContainText("Success", { timeout: 20_000 });
    const mail = smtp.mails[before];
    expect(mail.to).toEqual(["ops@example.com", "dev@example.com"]);
    const { headers, parts } = mimeParts(mail.raw);
    expect(headers).toContain(`Subject: [Harbor] ${project}: Artifact pushed in ${project}/harbor-notifier-test`);
    expect(parts.map((p) => p.type)).toEqual(["text/plain", "text/html"]);
    expect(parts[0].body).toMatch(
      /Open in Harbor Notifier: http:\/\/127\.0\.0\.1:\d+\/projects\/\d+\/webhooks\/\d+\/executions\/\d+/,
    );
    await snap(page, "email-03-delivered");
  });
});
