// The grouping window in the policy form: a bad value is refused at the field, a good one is saved
// and shown again on edit.
import { createProject, expect, snap, test, uniqueName } from "./fixtures";

test("a webhook's grouping window is set in the form, checked at the field, and kept", async ({ adminPage: page }) => {
  const project = uniqueName("grouping");
  const name = uniqueName("grouped");
  await createProject(page, project);
  await page.goto(`/projects/${project}/webhooks/new`);
  const form = page.getByRole("form", { name: "New webhook" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Endpoint URL").fill("https://ci.example.com/hook");
  await form.getByText("Filters and retries (optional)").click();
  const window = form.getByLabel("Grouping window (seconds)");
  await window.fill("61");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(window).toHaveAttribute("aria-invalid", "true");
  await expect(form).toContainText("Use a grouping window of 1 to 60 seconds.");
  await window.fill("10");
  await window.scrollIntoViewIfNeeded();
  await snap(page, "grouping-00-form");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("region", { name: "Signing secret" })).toBeVisible();

  await page.goto(`/projects/${project}/webhooks`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByText("10 s: one notification per type and repository")).toBeVisible();
  await page.getByRole("link", { name: "Edit" }).first().click();
  await expect(page.getByLabel("Grouping window (seconds)")).toHaveValue("10");
});
