// The Destinations API over real HTTP against the built app: the spec's curl sequence (create →
// secret once, list with a cursor, read without the secret, pause, delete → 204 → 404), and a
// delivery to a destination verified with its signing secret. Ends on the API reference page.
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { sampleEvent } from "../lib/events/samples";
import { EVENT_TYPES } from "../lib/shared/events";
import { E2E_BASE_URL } from "./env";
import { expect, test, uniqueName } from "./fixtures";

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };

async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A project and one API key of each mode, through the Harbor API as the admin. */
async function projectWithKeys(adminRequest: APIRequestContext) {
  const name = uniqueName("dest");
  expect((await adminRequest.post("/api/v2.0/projects", { data: { project_name: name } })).status()).toBe(201);
  const key = async (mode: "test" | "live") => {
    const r = await adminRequest.post(`/api/v2.0/projects/${name}/api-keys`, { data: { mode } });
    expect(r.status()).toBe(201);
    return (await r.json()).key as string;
  };
  return { name, testKey: await key("test"), liveKey: await key("live") };
}

test("the Destinations API curl sequence, and a signed delivery to a destination", async ({
  adminRequest,
  playwright,
}) => {
  const rx = await startReceiver();
  const { testKey, liveKey } = await projectWithKeys(adminRequest);
  const api = await playwright.request.newContext({
    baseURL: E2E_BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${testKey}` },
  });
  const anonymous = await playwright.request.newContext({ baseURL: E2E_BASE_URL });
  try {
    let id = "";
    let secret = "";
    await test.step("POST /v1/destinations → 201 with the signing secret, once", async () => {
      const r = await api.post("/v1/destinations", {
        data: { url: rx.url("/webhooks/harbor"), name: "Production receiver", metadata: { owner: "payments-team" } },
      });
      expect(r.status()).toBe(201);
      const d = await r.json();
      expect(d).toMatchObject({
        id: expect.stringMatching(/^dest_/),
        url: rx.url("/webhooks/harbor"),
        name: "Production receiver",
        status: "active",
        metadata: { owner: "payments-team" },
        signing_secret: expect.stringMatching(/^whsec_/),
      });
      expect(d.event_types).toHaveLength(EVENT_TYPES.length);
      expect(r.headers()["location"]).toBe(`/v1/destinations/${d.id}`);
      id = d.id;
      secret = d.signing_secret;
    });

    await test.step("GET /v1/destinations pages with next_cursor", async () => {
      for (const n of ["second", "third"])
        expect((await api.post("/v1/destinations", { data: { url: rx.url(`/${n}`), name: n } })).status()).toBe(201);
      const first = await (await api.get("/v1/destinations?limit=2")).json();
      expect(first.data.map((d: { name: string }) => d.name)).toEqual(["third", "second"]);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = await (
        await api.get(`/v1/destinations?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`)
      ).json();
      expect(second).toEqual({
        data: [expect.objectContaining({ id, name: "Production receiver" })],
        next_cursor: null,
      });
      expect(JSON.stringify([first, second])).not.toContain("whsec_");
      const bad = await api.get("/v1/destinations?cursor=garbage!");
      expect(bad.status()).toBe(400);
      expect(await bad.json()).toEqual({
        error: { code: "invalid_cursor", message: expect.any(String), field: "cursor" },
      });
    });

    await test.step("GET /v1/destinations/{id} has no secret", async () => {
      const r = await api.get(`/v1/destinations/${id}`);
      expect(r.status()).toBe(200);
      const d = await r.json();
      expect(d).toMatchObject({ id, status: "active", paused_reason: null });
      expect(d).not.toHaveProperty("signing_secret");
    });

    await test.step("a delivery to the destination verifies with its signing secret", async () => {
      const event = sampleEvent("PUSH_ARTIFACT");
      const r = await api.post("/v1/events", { data: event });
      expect(r.status()).toBe(202);
      // Three destinations, all subscribed to every type.
      expect((await r.json()).deliveries).toBe(3);
      await expect
        .poll(() => rx.received.filter((x) => x.path === "/webhooks/harbor").length, { timeout: 30_000 })
        .toBe(1);
      const got = rx.received.find((x) => x.path === "/webhooks/harbor")!;
      expect(got.body).toBe(JSON.stringify(event));
      const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
      expect(() => new Webhook(secret).verify(got.body, headers)).not.toThrow();
      // Its delivery history, with the attempt.
      await expect
        .poll(async () => (await (await api.get(`/v1/destinations/${id}/deliveries`)).json()).data[0]?.status, {
          timeout: 15_000,
        })
        .toBe("success");
      const deliveries = await (await api.get(`/v1/destinations/${id}/deliveries`)).json();
      expect(deliveries.data[0]).toMatchObject({
        webhook_id: got.headers["webhook-id"],
        event_type: "PUSH_ARTIFACT",
        attempts: [{ number: 1, response_status: 204, error: null }],
      });
    });

    await test.step("PATCH status paused", async () => {
      const r = await api.patch(`/v1/destinations/${id}`, { data: { status: "paused" } });
      expect(r.status()).toBe(200);
      expect(await r.json()).toMatchObject({ id, status: "paused", paused_reason: expect.any(String) });
      const paused = await (await api.get("/v1/destinations?status=paused")).json();
      expect(paused.data.map((d: { id: string }) => d.id)).toEqual([id]);
    });

    await test.step("DELETE → 204, then GET → 404 destination_not_found", async () => {
      const r = await api.delete(`/v1/destinations/${id}`);
      expect(r.status()).toBe(204);
      expect(await r.text()).toBe("");
      const gone = await api.get(`/v1/destinations/${id}`);
      expect(gone.status()).toBe(404);
      expect(await gone.json()).toEqual({
        error: { code: "destination_not_found", message: expect.any(String), field: "id" },
      });
    });

    await test.step("errors over HTTP: live keys need https, no key is unauthorized", async () => {
      const live = await anonymous.post("/v1/destinations", {
        data: { url: rx.url("/x") },
        headers: { Authorization: `Bearer ${liveKey}` },
      });
      expect(live.status()).toBe(400);
      expect(await live.json()).toEqual({
        error: { code: "invalid_url", message: expect.stringContaining("test-mode"), field: "url" },
      });
      const none = await anonymous.get("/v1/destinations");
      expect(none.status()).toBe(401);
      expect(await none.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    });
  } finally {
    await api.dispose();
    await anonymous.dispose();
    await rx.close();
  }
});

test("the OpenAPI document is served and rendered at /api-docs", async ({ adminPage, request }) => {
  const doc = await request.get("/api/openapi.json");
  expect(doc.status()).toBe(200);
  const body = await doc.json();
  expect(body.openapi).toBe("3.1.0");
  expect(Object.keys(body.paths)).toEqual(
    expect.arrayContaining([
      "/v1/destinations",
      "/v1/destinations/{id}",
      "/v1/events",
      "/service/notifications",
      "/api/v2.0/projects/{project_name_or_id}/webhook/policies",
    ]),
  );

  const page = adminPage;
  await page.goto("/api-docs");
  await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
  const create = page.locator("article#post-v1-destinations");
  await expect(create).toContainText("Create a destination");
  await expect(create).toContainText("signing_secret");
  await expect(create).toContainText("over_destination_limit");
  await page
    .getByRole("navigation", { name: "API operations" })
    .getByRole("link", { name: /List destinations/ })
    .click();
  await expect(page).toHaveURL(/#get-v1-destinations$/);
  // The page is long (every schema expanded): the viewport is what a reviewer needs to see.
  await page.screenshot({ path: path.join(test.info().project.testDir, "screenshots", "api-docs-01-reference.png") });
});
