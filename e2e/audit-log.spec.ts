// The audit log in a real browser: a change made on one page is listed on the Audit log page, with
// who made it, and the filters narrow the list; the retention setting is on the settings page.
import { ADMIN_USERNAME, createProject, expect, snap, test, uniqueName } from "./fixtures";

test("audit log: a project created is listed with its actor, filters narrow the list", async ({ adminPage: page }) => {
  const name = uniqueName("audit");
  await createProject(page, name);
  await page.getByRole("link", { name: "Audit log" }).first().click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const table = page.getByRole("table", { name: "Audit log" });
  await expect(table.getByRole("row").filter({ hasText: "project.create" }).first()).toContainText(ADMIN_USERNAME);

  await page.getByLabel("Operation").fill("project.cre");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/operation=project.cre/);
  const operations = await table.locator("tbody tr td:nth-child(3)").allTextContents();
  expect(operations.length).toBeGreaterThan(0);
  expect(operations.every((o) => o === "project.create")).toBe(true);
  await snap(page, "audit-log");

  await page.getByLabel("Operation").fill("no-such-operation");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No entry matches this filter.")).toBeVisible();

  await page.goto("/admin/settings");
  await expect(page.getByLabel("Keep audit log entries for")).toHaveValue("365");
});
