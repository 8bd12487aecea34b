// The network guard at save time: a webhook to a private address is saved, and the form says at
// once why deliveries there will be refused and where a system admin allows the range.
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

test("saving a webhook to a private address shows the guard's warning under the address", async ({
  adminPage: page,
}) => {
  const project = uniqueName("guard");
  await createProject(page, project);
  const base = `/projects/${project}/webhooks`;

  await test.step("create: saved, with the warning next to the signing secret", async () => {
    await page.goto(`${base}/new`);
    const form = page.getByRole("form", { name: "New webhook" });
    await form.getByLabel("Name").fill("intranet");
    await form.getByLabel("Endpoint URL").fill("http://10.1.2.3/hook");
    await form.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();
    const warning = page.getByTestId("address-warning");
    await expect(warning).toHaveText(
      "Saved. 10.1.2.3 is a private address (10.0.0.0/8), so deliveries to it are refused; to deliver there, allow the range in System settings → Allowed networks.",
    );
    await snap(page, "guard-01-created-with-warning");
  });

  await test.step("edit: the warning stays under the address field, and goes when the address changes", async () => {
    await page.getByRole("link", { name: "Continue to the webhook" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "intranet" })).toBeVisible();
    await page.goto(`${page.url().replace(/\?.*$/, "")}/edit`);
    const form = page.getByRole("form", { name: "Edit webhook" });
    await form.getByLabel("Endpoint URL").fill("http://169.254.169.254/latest/meta-data/");
    await form.getByRole("button", { name: /^Save/ }).click();
    const warning = form.getByTestId("address-warning");
    await expect(warning).toHaveText(
      "Saved. 169.254.169.254 is a cloud metadata address: deliveries never go there, whatever the allowed networks say.",
    );
    await expect(warning).not.toContainText("Allowed networks →");
    await snap(page, "guard-02-edit-metadata-warning");
    await form.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/hook");
    await expect(warning).toHaveCount(0);
  });
});
