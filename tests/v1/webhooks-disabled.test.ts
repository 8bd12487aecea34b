import { describe, expect, it, vi } from "vitest";

// The global switch is shared by every test file running against the test database; flipping it
// for real would make other files' events vanish. This file sees the switch off through a mock of
// the settings reader only (ingestEvent still runs for real and counts the skipped event).
vi.mock("@/lib/settings/settings", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/settings/settings")>();
  return {
    ...original,
    getSettings: async (...args: Parameters<typeof original.getSettings>) => ({
      ...(await original.getSettings(...args)),
      webhooksEnabled: false,
    }),
    deliverySwitch: async (...args: Parameters<typeof original.deliverySwitch>) => ({
      ...(await original.deliverySwitch(...args)),
      webhooksEnabled: false,
    }),
  };
});

const TOKEN = "disabled-test-registry-token";
process.env.REGISTRY_NOTIFICATION_TOKEN = TOKEN;

const { POST: postEvent } = await import("@/app/v1/events/route");
const { POST: postNotification } = await import("@/app/service/notifications/route");
const { resetEnvCache } = await import("@/lib/config/env");
const { getDb } = await import("@/lib/db/client");
const { sampleEvent } = await import("@/lib/events/samples");
const { makeApiKey, makeProject } = await import("../helpers/fixtures");
const { call } = await import("../helpers/http");
resetEnvCache();

describe("while webhooks are globally disabled", () => {
  it("POST /v1/events answers 202 skipped, and nothing is stored", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const res = await call(postEvent, { path: "/v1/events", key, body: sampleEvent("PUSH_ARTIFACT") });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ skipped: true, reason: "webhooks_disabled", message: expect.stringMatching(/dropped/) });
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("registry events are listed as ignored with code webhooks_disabled", async () => {
    const project = await makeProject();
    const envelope = {
      events: [
        {
          id: "evt-disabled-1",
          timestamp: "2024-05-01T10:00:00.123456789Z",
          action: "push",
          target: {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: "sha256:" + "a".repeat(64),
            repository: `${project.name}/app`,
            tag: "1.0",
            url: "http://registry:5000/v2/x",
          },
          request: { id: "req-1", method: "PUT" },
          actor: { name: "ci" },
        },
      ],
    };
    const res = await call(postNotification, {
      path: "/service/notifications",
      auth: `Bearer ${TOKEN}`,
      body: envelope,
    });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      accepted: 0,
      duplicates: 0,
      deliveries: 0,
      events: [],
      ignored: [{ id: "evt-disabled-1", code: "webhooks_disabled", reason: expect.stringMatching(/disabled/) }],
    });
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(0);
  });
});
