// The pieces every API shares (lib/api): one body reader, one input policy per API, request ids
// and the error shape on every route, the registry endpoint and the /v1 catch-all included; and
// Harbor's 403 for an existing project a signed-in user cannot access.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policy from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as unknownV1 from "@/app/v1/[...path]/route";
import * as registry from "@/app/service/notifications/route";
import * as destinations from "@/app/v1/destinations/route";
import { resetEnvCache } from "@/lib/config/env";
import { DEAD_URL, uid } from "../helpers/fixtures";
import { call, expectHarborError as expectError, expectV1Error } from "../helpers/http";
import { harborError, makePolicy, makeWorld, uniquePolicyName, type World } from "./helpers";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

const TOKEN = `kit-registry-${uid()}-0123456789`;
let w: World;
beforeAll(async () => {
  process.env.REGISTRY_NOTIFICATION_TOKEN = TOKEN;
  resetEnvCache();
  w = await makeWorld();
});
afterAll(() => {
  delete process.env.REGISTRY_NOTIFICATION_TOKEN;
  resetEnvCache();
});

const pp = () => ({ project_name_or_id: w.project.name });
const policiesPath = () => `/api/v2.0/projects/${w.project.name}/webhook/policies`;
const body = () => ({
  name: uniquePolicyName("kit"),
  event_types: ["PUSH_ARTIFACT"],
  targets: [{ type: "http", address: DEAD_URL }],
});

describe("Harbor's API through the shared kit", () => {
  it("refuses a body that is not JSON by its Content-Type (415), as the /v1 API does", async () => {
    const r = await call(policies.POST, policiesPath(), {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: JSON.stringify(body()),
      headers: { "content-type": "text/plain" },
    });
    expect(r.status).toBe(415);
    expect(r.json).toEqual(
      harborError("UNSUPPORTED_MEDIA_TYPE", "Content-Type text/plain is not accepted; send application/json"),
    );
  });

  it("names the limit of an oversized body (413) and the fault of an empty one (400)", async () => {
    const big = await call(policies.POST, policiesPath(), {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: JSON.stringify({ ...body(), description: "x".repeat(1024 * 1024) }),
    });
    expect(big.json).toEqual(
      harborError("PAYLOAD_TOO_LARGE", "request body exceeds the limit of 1048576 bytes (1 MiB)"),
    );
    const empty = await call(policies.POST, policiesPath(), {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: " ",
    });
    expect(empty.json).toEqual(harborError("BAD_REQUEST", "request body is empty; expected a JSON object"));
  });

  it("ignores fields Harbor's clients send that we do not store (the unknown-key policy is strip)", async () => {
    const r = await call(policies.POST, policiesPath(), {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: { ...body(), creator: "someone", creation_time: "2024-01-01T00:00:00Z", id: 99 },
    });
    expect(r.status, r.text).toBe(201);
  });

  it("a root-level validation error names no field (Harbor's shape has none)", async () => {
    const r = await call(policies.POST, policiesPath(), {
      method: "POST",
      params: pp(),
      auth: w.auth.projectAdmin,
      body: "[1]",
    });
    expectError(r, 400, "BAD_REQUEST");
    expect((r.json as { errors: { message: string }[] }).errors[0].message).not.toMatch(/^body:/);
  });
});

describe("Harbor: an existing project the caller cannot access", () => {
  it("is a 403 for a signed-in user, whatever the webhook operation, and a 404 for another project's key", async () => {
    const p = await makePolicy(w.users.sys.actor, w.project);
    const params = { ...pp(), webhook_policy_id: String(p.id) };
    const path = `${policiesPath()}/${p.id}`;
    const forbidden = (permission: "webhook.read" | "webhook.manage") =>
      harborError(
        "FORBIDDEN",
        permission === "webhook.read"
          ? "Only project admins and maintainers can see webhooks."
          : "Only project admins can change webhooks.",
      );
    const asOutsider = { auth: w.auth.otherProjectAdmin };
    expect((await call(policies.GET, policiesPath(), { params: pp(), ...asOutsider })).json).toEqual(
      forbidden("webhook.read"),
    );
    expect((await call(policy.GET, path, { params, ...asOutsider })).json).toEqual(forbidden("webhook.read"));
    const del = await call(policy.DELETE, path, { method: "DELETE", params, ...asOutsider });
    expect({ status: del.status, json: del.json }).toEqual({ status: 403, json: forbidden("webhook.manage") });

    const byKey = await call(policy.GET, path, { params, auth: w.auth.otherProjectKey });
    expect({ status: byKey.status, json: byKey.json }).toEqual({
      status: 404,
      json: harborError("NOT_FOUND", "project not found"),
    });
    // A project that does not exist is a 404 for everyone.
    const missing = await call(policies.GET, "/api/v2.0/projects/no-such-project/webhook/policies", {
      params: { project_name_or_id: "no-such-project" },
      ...asOutsider,
    });
    expect({ status: missing.status, json: missing.json }).toEqual({
      status: 404,
      json: harborError("NOT_FOUND", "project not found"),
    });
  });
});

describe("the registry endpoint and the /v1 catch-all go through the wrapper", () => {
  it("POST /service/notifications answers with a request id, in the /v1 error shape, with its own token", async () => {
    const wrong = await call(registry.POST, {
      path: "/service/notifications",
      auth: "Bearer not-the-token",
      headers: { "x-request-id": "reg-123" },
      body: { events: [] },
    });
    expectV1Error(wrong, 401, "unauthorized");
    expect(wrong.headers.get("x-request-id")).toBe("reg-123");
    // An API key is no registry token.
    const key = await call(registry.POST, {
      path: "/service/notifications",
      key: w.keys.live.key,
      body: { events: [] },
    });
    expectV1Error(key, 401, "unauthorized");

    const ok = await call(registry.POST, {
      path: "/service/notifications",
      auth: `Bearer ${TOKEN}`,
      body: { events: [] },
    });
    expect(ok.status, ok.text).toBe(202);
    expect(ok.headers.get("x-request-id")).toBeTruthy();
    const bad = await call(registry.POST, {
      path: "/service/notifications",
      auth: `Bearer ${TOKEN}`,
      body: "{",
    });
    expectV1Error(bad, 400, "invalid_json", "body");
  });

  it("an unknown /v1 path is a JSON 404 with a request id", async () => {
    const r = await call(unknownV1.GET, { path: "/v1/nothing-here", params: { path: ["nothing-here"] } as never });
    expect(r.json).toEqual({ error: { code: "not_found", message: "no such API route; see /api/openapi.json" } });
    expect(r.status).toBe(404);
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("the /v1 API refuses an unknown body field by name (the unknown-key policy is reject)", async () => {
    const r = await call(destinations.POST, {
      path: "/v1/destinations",
      key: w.keys.test.key,
      body: { url: "http://127.0.0.1:9/x", retry_polcy: {} },
    });
    expect(r.json).toEqual({
      error: { code: "validation_error", message: "retry_polcy: unknown field", field: "retry_polcy" },
    });
  });
});
