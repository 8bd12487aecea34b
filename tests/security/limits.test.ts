// Limits and hardening: body size caps, API-key rate limiting, sign-in brute force, CRLF in auth
// headers (refused on input, and never sent even if one were stored), constant-time comparisons.
import crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // Read once when lib/auth/rate-limit.ts loads: a low per-key limit for this file only.
  process.env.API_RATE_LIMIT_PER_MINUTE = "5";
});
vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

import * as v1Events from "@/app/v1/events/route";
import * as destinations from "@/app/v1/destinations/route";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as policyRoute from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/route";
import * as projectRoute from "@/app/api/v2.0/projects/[project_name_or_id]/route";
import { hashApiKey } from "@/lib/auth/api-keys";
import { authOptions } from "@/lib/auth/options";
import { encryptSecret, safeEqual } from "@/lib/crypto/secret-box";
import { deliverTask } from "@/lib/delivery/deliver";
import type { ClaimedTask } from "@/lib/delivery/load";
import { DEFAULT_RETRY_POLICY } from "@/lib/shared/retry-policy";
import { createTargetRateLimits } from "@/lib/delivery/rate-limiter";
import { isRegistryTokenValid } from "@/lib/settings/registry-token";
import { sampleEvent } from "@/lib/events/samples";
import { startServer } from "../helpers/receiver";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call } from "../helpers/http";

const CRLF_HEADER = "Bearer x\r\nX-Injected: yes";

describe("request body caps", () => {
  it("an event over 1 MiB is refused with 413 naming the limit, whether announced by Content-Length or streamed", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id, "test");
    const event = sampleEvent("PUSH_ARTIFACT");
    (event.event_data as Record<string, unknown>).padding = "x".repeat(1024 * 1024);
    const body = JSON.stringify(event);
    for (const headers of [{ "content-length": String(Buffer.byteLength(body)) }, {} as Record<string, string>]) {
      const r = await call(v1Events.POST, { path: "/v1/events", key, body, headers });
      expect(r.status).toBe(413);
      expect(r.json).toEqual({
        error: {
          code: "payload_too_large",
          field: "body",
          message: "request body exceeds the limit of 1048576 bytes (1 MiB)",
        },
      });
    }
  });
});

describe("API keys are rate-limited", () => {
  it("past the per-minute limit: 429 rate_limited with Retry-After, per key", async () => {
    const project = await makeProject();
    const a = await makeApiKey(project.id, "test");
    const b = await makeApiKey(project.id, "test");
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await call(destinations.GET, { path: "/v1/destinations", key: a.key });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.json).toMatchObject({ error: { code: "rate_limited" } });
    const retryAfter = Number(last!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key of the same project has its own window.
    expect((await call(destinations.GET, { path: "/v1/destinations", key: b.key })).status).toBe(200);
  });
});

describe("sign-in brute force is slowed", () => {
  it("the 11th wrong password for a user: HTTP Basic answers 429 with Retry-After, and even the right password waits", async () => {
    const { user } = await makeUser({ password: "right-password-1" });
    const project = await makeProject({ [user.id]: "projectAdmin" });
    const basic = (pw: string) => `Basic ${Buffer.from(`${user.username}:${pw}`).toString("base64")}`;
    const get = (pw: string) =>
      call(projectRoute.GET, {
        path: `/api/v2.0/projects/${project.name}`,
        auth: basic(pw),
        params: { project_name_or_id: project.name },
      });
    for (let i = 0; i < 10; i++) expect((await get(`wrong-${i}`)).status).toBe(401);
    const blocked = await get("wrong-10");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await get("right-password-1")).status).toBe(429);
  }, 60_000);

  it("the sign-in form's provider says TooManyAttempts (the page shows “Too many failed sign-ins”)", async () => {
    const { user } = await makeUser({ password: "right-password-2" });
    const provider = authOptions().providers[0] as unknown as {
      options: { authorize(c: Record<string, string>): Promise<unknown> };
    };
    for (let i = 0; i < 10; i++)
      expect(await provider.options.authorize({ username: user.username, password: `nope-${i}` })).toBeNull();
    await expect(provider.options.authorize({ username: user.username, password: "nope-10" })).rejects.toThrow(
      "TooManyAttempts",
    );
  }, 60_000);
});

describe("CRLF in an auth header", () => {
  it("is refused on input by the Harbor API (create and update), naming the field", async () => {
    const project = await makeProject();
    const pp = { project_name_or_id: project.name };
    // A key per call: this file's rate limit is 5 requests a minute per key.
    const fresh = async () => (await makeApiKey(project.id, "test")).key;
    const body = (auth: string) => ({
      name: `crlf-${crypto.randomUUID()}`,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: "http://127.0.0.1:9/x", auth_header: auth }],
    });
    for (const bad of [CRLF_HEADER, "Bearer x\nX-Injected: yes", "Bearer x\rY"]) {
      const r = await call(policies.POST, {
        path: `/api/v2.0/projects/${project.name}/webhook/policies`,
        key: await fresh(),
        body: body(bad),
        params: pp,
      });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({
        errors: [{ code: "BAD_REQUEST", message: expect.stringMatching(/^targets\.0\.auth_header: /) }],
      });
    }
    const nul = await call(policies.POST, {
      path: `/api/v2.0/projects/${project.name}/webhook/policies`,
      key: await fresh(),
      body: body("Bearer \u0000"),
      params: pp,
    });
    expect(nul.status).toBe(400);
    const ok = await call(policies.POST, {
      path: `/api/v2.0/projects/${project.name}/webhook/policies`,
      key: await fresh(),
      body: body("Bearer fine"),
      params: pp,
    });
    const id = ok.headers.get("location")!.split("/").pop()!;
    const r = await call(policyRoute.PUT, {
      method: "PUT",
      path: `/api/v2.0/projects/${project.name}/webhook/policies/${id}`,
      key: await fresh(),
      body: body(CRLF_HEADER),
      params: { ...pp, webhook_policy_id: id },
    });
    expect(r.status).toBe(400);
  });

  it("is never sent: a stored value with a line break (e.g. written before validation existed) fails the delivery without a request", async () => {
    const rx = await startServer((_q, res) => res.end("ok"));
    try {
      const event = sampleEvent("PUSH_ARTIFACT");
      const task: ClaimedTask = {
        id: 1,
        executionId: 1,
        targetId: 1,
        webhookId: "msg_crlf",
        runCount: 0,
        maxAttempts: 3,
        execution: {
          id: 1,
          vendorType: "WEBHOOK",
          event: {
            id: 1,
            type: event.type,
            occurAt: event.occur_at,
            operator: event.operator,
            eventData: JSON.stringify(event.event_data),
            requestId: "r",
            createdAt: new Date(),
          },
          target: {
            id: 1,
            type: "http",
            address: rx.url,
            authHeaderEnc: encryptSecret(CRLF_HEADER),
            skipCertVerify: false,
            payloadFormat: "Default",
          },
          policy: {
            id: 1,
            projectId: 1,
            maxAttempts: null,
            backoffBaseMs: null,
            backoffCapMs: null,
            timeoutMs: null,
            signingKeys: [],
          },
        },
      };
      const outcome = await deliverTask(task, {
        allowList: ["127.0.0.0/8"],
        retry: DEFAULT_RETRY_POLICY,
        backoffScale: 1,
        rateLimits: createTargetRateLimits(),
      });
      expect(outcome).toMatchObject({ kind: "failed", runCount: 1 });
      expect(outcome.kind !== "postponed" && outcome.attempt?.error).toMatch(/line break/);
      expect(rx.connections()).toBe(0);
      expect(JSON.stringify(outcome)).not.toContain("X-Injected");
    } finally {
      await rx.close();
    }
  });
});

describe("constant-time comparisons", () => {
  it("safeEqual compares fixed-length digests with crypto.timingSafeEqual", () => {
    const spy = vi.spyOn(crypto, "timingSafeEqual");
    expect(safeEqual("token-a", "token-a")).toBe(true);
    expect(safeEqual("token-a", "token-b")).toBe(false);
    expect(safeEqual("short", "a much longer token")).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [a, b] of spy.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    spy.mockRestore();
  });

  it("the registry token is checked with safeEqual, against every candidate (no early exit)", async () => {
    const previous = process.env.REGISTRY_NOTIFICATION_TOKEN;
    process.env.REGISTRY_NOTIFICATION_TOKEN = "registry-token-for-timing-0123";
    const { resetEnvCache } = await import("@/lib/config/env");
    resetEnvCache();
    const spy = vi.spyOn(crypto, "timingSafeEqual");
    try {
      expect(await isRegistryTokenValid("registry-token-for-timing-0123")).toBe(true);
      expect(await isRegistryTokenValid("registry-token-for-timing-0124")).toBe(false);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      spy.mockRestore();
      if (previous === undefined) delete process.env.REGISTRY_NOTIFICATION_TOKEN;
      else process.env.REGISTRY_NOTIFICATION_TOKEN = previous;
      resetEnvCache();
    }
  });

  it("API keys are never compared as strings: they are found by the SHA-256 of the key (an index lookup)", () => {
    const key = `hk_live_${"A".repeat(32)}`;
    expect(hashApiKey(key)).toBe(crypto.createHash("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).not.toBe(hashApiKey(`${key.slice(0, -1)}B`));
  });
});
