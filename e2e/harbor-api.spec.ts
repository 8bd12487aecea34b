// The Harbor-compatible REST API over real HTTP against the built app: a whole set-up scripted
// without the UI (project, user, membership, API key), then the Harbor-style policy CRUD sequence
// with that key.
import type { APIRequestContext } from "@playwright/test";
import { EVENT_TYPES } from "../lib/shared/events";
import { E2E_BASE_URL } from "./env";
import { expect, test, uniqueName } from "./fixtures";

const MASK = "••••••••";

test("a project, a user, a membership and an API key, then the policy CRUD sequence with that key", async ({
  adminRequest,
  playwright,
}) => {
  const projectName = uniqueName("api");
  const user = { username: uniqueName("maint"), password: "Maint-Passw0rd" };
  const contexts: APIRequestContext[] = [];
  const client = async (headers: Record<string, string>) => {
    const ctx = await playwright.request.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: headers });
    contexts.push(ctx);
    return ctx;
  };
  const api = `/api/v2.0/projects/${projectName}`;

  try {
    await test.step("anonymous callers get Harbor's 401", async () => {
      const anon = await client({});
      const r = await anon.get("/api/v2.0/projects");
      expect(r.status()).toBe(401);
      expect(await r.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
    });

    let projectId = 0;
    await test.step("the admin creates a private project", async () => {
      const r = await adminRequest.post("/api/v2.0/projects", {
        data: { project_name: projectName, metadata: { public: "false" } },
      });
      expect(r.status()).toBe(201);
      const location = r.headers()["location"];
      expect(location).toMatch(/^\/api\/v2\.0\/projects\/\d+$/);
      projectId = Number(location.split("/").pop());
      const read = await adminRequest.get(location);
      expect(await read.json()).toMatchObject({
        project_id: projectId,
        name: projectName,
        metadata: { public: "false" },
      });
      const dup = await adminRequest.post("/api/v2.0/projects", { data: { project_name: projectName } });
      expect(dup.status()).toBe(409);
    });

    await test.step("the admin creates a user and makes it a maintainer", async () => {
      const u = await adminRequest.post("/api/v2.0/users", {
        data: { ...user, email: `${user.username}@example.com`, realname: "Maintainer" },
      });
      expect(u.status()).toBe(201);
      expect(u.headers()["location"]).toMatch(/^\/api\/v2\.0\/users\/\d+$/);
      const m = await adminRequest.post(`${api}/members`, {
        data: { role_id: 4, member_user: { username: user.username } },
      });
      expect(m.status()).toBe(201);
      expect(m.headers()["location"]).toMatch(new RegExp(`^${api}/members/\\d+$`));
      const list = await adminRequest.get(`${api}/members`);
      expect(list.headers()["x-total-count"]).toBe("2");
      expect(await list.json()).toContainEqual(
        expect.objectContaining({
          project_id: projectId,
          entity_name: user.username,
          role_name: "maintainer",
          role_id: 4,
          entity_type: "u",
        }),
      );
    });

    let key = "";
    await test.step("the admin creates an API key, shown once", async () => {
      const r = await adminRequest.post(`${api}/api-keys`, { data: { mode: "test", name: "e2e" } });
      expect(r.status()).toBe(201);
      const body = await r.json();
      expect(body).toMatchObject({ mode: "test", prefix: expect.stringMatching(/^hk_test_/) });
      key = body.key;
      expect(key).toMatch(/^hk_test_[A-Za-z0-9]{32}$/);
      const list = await adminRequest.get(`${api}/api-keys`);
      expect(await list.text()).not.toContain(key);
    });

    const withKey = await client({ authorization: `Bearer ${key}` });
    let location = "";
    let policyId = 0;
    await test.step("the key creates a policy with an http and a Slack target", async () => {
      const events = await withKey.get(`${api}/webhook/events`);
      expect((await events.json()).event_type).toHaveLength(EVENT_TYPES.length);
      const r = await withKey.post(`${api}/webhook/policies`, {
        data: {
          name: "ci-notify",
          description: "tell CI",
          enabled: true,
          event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
          targets: [
            {
              type: "http",
              address: "https://ci.example.com/hook",
              auth_header: "Bearer e2e-secret",
              skip_cert_verify: false,
              payload_format: "CloudEvents",
            },
            { type: "slack", address: "https://hooks.slack.com/services/T0/B0/X" },
          ],
        },
      });
      expect(r.status()).toBe(201);
      location = r.headers()["location"];
      const body = await r.json();
      policyId = body.id;
      expect(location).toBe(`${api}/webhook/policies/${policyId}`);
      expect(body.signing_secret).toMatch(/^whsec_/);
      const dup = await withKey.post(`${api}/webhook/policies`, {
        data: {
          name: "ci-notify",
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: "https://x.example.com" }],
        },
      });
      expect(dup.status()).toBe(409);
      const bad = await withKey.post(`${api}/webhook/policies`, {
        data: { name: "bad", event_types: ["NOPE"], targets: [{ type: "http", address: "https://x.example.com" }] },
      });
      expect(bad.status()).toBe(400);
      expect((await bad.json()).errors[0].code).toBe("BAD_REQUEST");
    });

    let read: Record<string, unknown> = {};
    await test.step("reads it back with the auth header masked", async () => {
      const r = await withKey.get(location, { headers: { "x-request-id": "e2e-trace-1" } });
      expect(r.status()).toBe(200);
      expect(r.headers()["x-request-id"]).toBe("e2e-trace-1");
      expect(await r.text()).not.toContain("e2e-secret");
      read = await r.json();
      expect(read).toMatchObject({
        id: policyId,
        name: "ci-notify",
        project_id: projectId,
        creator: "api-key:e2e",
        targets: [
          { type: "http", address: "https://ci.example.com/hook", auth_header: MASK, payload_format: "CloudEvents" },
          { type: "slack", auth_header: "", payload_format: "" },
        ],
        event_types: ["PUSH_ARTIFACT", "DELETE_ARTIFACT"],
      });
      const list = await withKey.get(`${api}/webhook/policies?page=1&page_size=1&q=${encodeURIComponent("name=~ci")}`);
      expect(list.headers()["x-total-count"]).toBe("1");
      expect((await list.json()).map((p: { id: number }) => p.id)).toEqual([policyId]);
    });

    await test.step("the maintainer reads it without the auth header and may not change it", async () => {
      const maint = await client({
        authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`,
      });
      const r = await maint.get(location);
      expect(r.status()).toBe(200);
      expect((await r.json()).targets[0].auth_header).toBe("");
      const del = await maint.delete(location);
      expect(del.status()).toBe(403);
      expect(await del.json()).toEqual({
        errors: [{ code: "FORBIDDEN", message: "Only project admins can change webhooks." }],
      });
    });

    await test.step("updates it (Harbor's PUT with the object read back)", async () => {
      const r = await withKey.put(location, { data: { ...read, description: "tell CI and chat", enabled: false } });
      expect(r.status()).toBe(200);
      const again = await (await withKey.get(location)).json();
      expect(again).toMatchObject({
        description: "tell CI and chat",
        enabled: false,
        targets: [{ auth_header: MASK }, { type: "slack" }],
      });
      const triggers = await withKey.get(`${api}/webhook/lasttrigger`);
      expect(await triggers.json()).toEqual([
        expect.objectContaining({
          policy_name: "ci-notify",
          enabled: false,
          event_type: "PUSH_ARTIFACT",
          last_trigger_time: "0001-01-01T00:00:00.000Z",
        }),
        expect.objectContaining({ policy_name: "ci-notify", enabled: false, event_type: "DELETE_ARTIFACT" }),
      ]);
      const executions = await withKey.get(`${location}/executions`);
      expect(executions.status()).toBe(200);
      expect(executions.headers()["x-total-count"]).toBe("0");
    });

    await test.step("deletes it, and then it is a 404", async () => {
      expect((await withKey.delete(location)).status()).toBe(200);
      const gone = await withKey.get(location);
      expect(gone.status()).toBe(404);
      expect(await gone.json()).toEqual({ errors: [{ code: "NOT_FOUND", message: "webhook policy not found" }] });
    });

    await test.step("a revoked key is refused", async () => {
      const keys = await (await adminRequest.get(`${api}/api-keys`)).json();
      const id = keys.find((k: { prefix: string }) => key.startsWith(k.prefix)).id;
      expect((await adminRequest.delete(`${api}/api-keys/${id}`)).status()).toBe(200);
      const r = await withKey.get(`${api}/webhook/policies`);
      expect(r.status()).toBe(401);
      expect(await r.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "invalid or revoked API key" }] });
    });

    await test.step("the admin deletes the project", async () => {
      expect((await adminRequest.delete(api)).status()).toBe(200);
      expect((await adminRequest.get(api)).status()).toBe(404);
    });
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
});
