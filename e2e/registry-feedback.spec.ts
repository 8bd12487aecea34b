// The first hour of a registry admin: a registry posting with a wrong token, and for a project that
// does not exist, shows up in the settings page's registry connection panel (counts and reasons);
// the config snippet carries the token just generated and warns about a loopback address; project
// pages say so while webhooks are switched off for the whole instance.
import type { Page } from "@playwright/test";
import { E2E_BASE_URL, REGISTRY_NOTIFICATION_TOKEN } from "./env";
import { createProject, expect, setWebhooksEnabled, snap, test, uniqueName } from "./fixtures";

const MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

function manifestPush(id: string, repository: string) {
  const digest = "sha256:" + "ab12".repeat(16);
  return {
    events: [
      {
        id,
        timestamp: "2026-12-01T10:00:00Z",
        action: "push",
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          size: 500,
          digest,
          repository,
          url: `http://registry.local:5000/v2/${repository}/manifests/${digest}`,
          tag: "1.0",
        },
        request: { id: `${id}-req`, method: "PUT", host: "registry.local:5000" },
        actor: { name: "ci-bot" },
      },
    ],
  };
}

type Counts = Record<"accepted" | "duplicate" | "ignored" | "rejected", number>;

async function panelCounts(page: Page): Promise<Counts> {
  await page.goto("/admin/settings");
  const read = async (k: keyof Counts) => Number(await page.getByTestId(`registry-count-${k}`).textContent());
  return {
    accepted: await read("accepted"),
    duplicate: await read("duplicate"),
    ignored: await read("ignored"),
    rejected: await read("rejected"),
  };
}

test("the registry connection panel counts a bad token and an unknown project, with their reasons", async ({
  adminPage: page,
  playwright,
}) => {
  const project = uniqueName("regfeed");
  const missing = uniqueName("nosuchproject");
  await createProject(page, project);
  const before = await panelCounts(page);

  const registry = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    const badToken = "not-the-registry-token-123";
    const refused = await registry.post("/service/notifications", {
      data: JSON.stringify(manifestPush(uniqueName("bad"), `${project}/app`)),
      headers: { Authorization: `Bearer ${badToken}`, "Content-Type": MEDIA_TYPE },
    });
    expect(refused.status()).toBe(401);

    const unknown = await registry.post("/service/notifications", {
      data: JSON.stringify(manifestPush(uniqueName("unknown"), `${missing}/app`)),
      headers: { Authorization: `Bearer ${REGISTRY_NOTIFICATION_TOKEN}`, "Content-Type": MEDIA_TYPE },
    });
    expect(unknown.status(), await unknown.text()).toBe(202);
    expect((await unknown.json()).ignored[0].code).toBe("unknown_project");

    const ok = await registry.post("/service/notifications", {
      data: JSON.stringify(manifestPush(uniqueName("ok"), `${project}/app`)),
      headers: { Authorization: `Bearer ${REGISTRY_NOTIFICATION_TOKEN}`, "Content-Type": MEDIA_TYPE },
    });
    expect(ok.status(), await ok.text()).toBe(202);

    const after = await panelCounts(page);
    expect(after).toEqual({
      accepted: before.accepted + 1,
      duplicate: before.duplicate,
      ignored: before.ignored + 1,
      rejected: before.rejected + 1,
    });
    const panel = page.getByTestId("registry-connection");
    await expect(panel.getByTestId("registry-last-ignored")).toContainText(`project "${missing}" does not exist`);
    await expect(panel.getByTestId("registry-last-rejected")).toContainText(/^bad token from \S+/);
    await expect(panel.getByTestId("registry-last-source")).toHaveText(/^[0-9a-f:.]+$/i);
    // The presented token is never kept or shown.
    expect(await page.content()).not.toContain(badToken);

    // The same figures on /metrics.
    const metrics = await (await registry.get("/metrics")).text();
    expect(metrics).toContain(`harbor_registry_notifications_total{outcome="rejected"} ${after.rejected}`);
    expect(metrics).toContain(`harbor_registry_notifications_total{outcome="ignored"} ${after.ignored}`);
  } finally {
    await registry.dispose();
  }

  await test.step("the snippet carries the token just generated, and warns about a loopback address", async () => {
    const form = page.getByRole("form", { name: "System settings" });
    await expect(page.getByTestId("notification-url-warning")).toContainText("cannot reach it");
    const snippet = form.getByLabel("In the registry's config.yml");
    await expect(snippet).toContainText("Bearer <your registry notification token>");
    await form.getByRole("button", { name: "Generate" }).click();
    const token = await form.locator("#settings-registryToken").inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    await expect(snippet).toContainText(`Authorization: [Bearer ${token}]`);
    expect(token).not.toBe(REGISTRY_NOTIFICATION_TOKEN);
    await page.getByTestId("registry-connection").scrollIntoViewIfNeeded();
    await snap(page, "registry-feedback-01-settings");
  });
});

test("project pages show a banner while webhooks are switched off instance-wide", async ({ adminPage: page }) => {
  const project = uniqueName("banner");
  await createProject(page, project);
  await page.goto(`/projects/${project}/members`);
  await expect(page.getByTestId("webhooks-off-banner")).toHaveCount(0);

  await setWebhooksEnabled(page, false);
  try {
    const skipped = Number(await page.getByTestId("skipped-events").textContent());
    for (const tab of ["webhooks", "members"]) {
      await page.goto(`/projects/${project}/${tab}`);
      const banner = page.getByTestId("webhooks-off-banner");
      await expect(banner).toContainText(
        `Webhooks are switched off for the whole instance: events are being skipped (${skipped} so far)`,
      );
      await expect(banner.getByRole("link", { name: /system settings/ })).toHaveAttribute("href", "/admin/settings");
    }
    await snap(page, "registry-feedback-02-banner");
  } finally {
    await setWebhooksEnabled(page, true);
  }
  await page.goto(`/projects/${project}/webhooks`);
  await expect(page.getByTestId("webhooks-off-banner")).toHaveCount(0);
});
