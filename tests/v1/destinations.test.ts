import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import * as collection from "@/app/v1/destinations/route";
import * as item from "@/app/v1/destinations/[id]/route";
import * as signingKeys from "@/app/v1/destinations/[id]/signing-keys/route";
import * as deliveries from "@/app/v1/destinations/[id]/deliveries/route";
import * as unknownRoute from "@/app/v1/[...path]/route";
import { encodeCursor } from "@/lib/api/cursor";
import { apiLimiter } from "@/lib/auth/rate-limit";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { signPayload } from "@/lib/delivery/signature";
import { EVENT_TYPES } from "@/lib/shared/events";
import { activeSigningSecrets } from "@/lib/delivery/signing-keys";
import { getSettings } from "@/lib/settings/settings";
import { makeApiKey, makeProject } from "../helpers/fixtures";
import { call, expectV1Error } from "../helpers/http";

// Loopback is allow-listed in tests (tests/global-setup.ts); port 9 refuses at once, so a worker
// running for another test file never waits on these URLs.
const URL_OK = "http://127.0.0.1:9/hook";
const ID_PATTERN = /^dest_[0-9A-Z]{26}$/;

type Dest = {
  id: string;
  url: string;
  name: string;
  status: string;
  paused_reason: string | null;
  event_types: string[];
  retry_policy: Record<string, number>;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  signing_secret?: string;
};
type Page<T> = { data: T[]; next_cursor: string | null };

async function setup(mode: "test" | "live" = "test") {
  const project = await makeProject();
  const { key, row } = await makeApiKey(project.id, mode);
  return { project, key, keyRow: row };
}

async function create(key: string, body: Record<string, unknown> = {}) {
  const res = await call(collection.POST, { path: "/v1/destinations", key, body: { url: URL_OK, ...body } });
  expect(res.status, res.text).toBe(201);
  return res.json as Dest;
}

const get = (key: string, id: string) => call(item.GET, { path: `/v1/destinations/${id}`, key, params: { id } });
const patch = (key: string, id: string, body: unknown) =>
  call(item.PATCH, { method: "PATCH", path: `/v1/destinations/${id}`, key, body, params: { id } });
const del = (key: string, id: string) =>
  call(item.DELETE, { method: "DELETE", path: `/v1/destinations/${id}`, key, params: { id } });
const list = (key: string, query = "") => call(collection.GET, { path: `/v1/destinations${query}`, key });
const rotate = (key: string, id: string) =>
  call(signingKeys.POST, { method: "POST", path: `/v1/destinations/${id}/signing-keys`, key, params: { id } });
const listDeliveries = (key: string, id: string, query = "") =>
  call(deliveries.GET, { path: `/v1/destinations/${id}/deliveries${query}`, key, params: { id } });

async function defaultsFromSettings() {
  const s = await getSettings();
  return { max_attempts: s.maxAttempts, backoff_base_ms: 2000, backoff_cap_ms: 300_000, timeout_ms: s.httpTimeoutMs };
}

describe("POST /v1/destinations", () => {
  it("creates a destination subscribed to every type and returns its signing secret once", async () => {
    const { key } = await setup();
    const res = await call(collection.POST, {
      path: "/v1/destinations",
      key,
      body: { url: URL_OK, name: "Production receiver", metadata: { owner: "payments-team" } },
    });
    expect(res.status).toBe(201);
    const d = res.json as Dest;
    expect(d).toEqual({
      id: expect.stringMatching(ID_PATTERN),
      url: URL_OK,
      name: "Production receiver",
      status: "active",
      paused_reason: null,
      health: {
        state: "healthy",
        failing_since: null,
        consecutive_failures: 0,
        last_success_at: null,
        last_failure_reason: null,
        paused_reason: null,
        paused_at: null,
      },
      event_types: [...EVENT_TYPES],
      conditions: {},
      grouping_window_seconds: null,
      retry_policy: await defaultsFromSettings(),
      metadata: { owner: "payments-team" },
      created_at: expect.any(String),
      updated_at: expect.any(String),
      signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
    });
    expect(res.headers.get("location")).toBe(`/v1/destinations/${d.id}`);
    expect(Date.parse(d.created_at)).not.toBeNaN();

    // Stored as a policy of kind "destination" with one Default HTTP target; the secret encrypted.
    const db = await getDb();
    const row = await db.webhookPolicy.findUniqueOrThrow({
      where: { publicId: d.id },
      include: { targets: true, signingKeys: true },
    });
    expect(row.kind).toBe("destination");
    expect(row.targets).toHaveLength(1);
    expect(row.targets[0]).toMatchObject({ type: "http", address: URL_OK, payloadFormat: "Default", status: "active" });
    expect(row.signingKeys).toHaveLength(1);
    expect(row.signingKeys[0].secretEnc).not.toContain(d.signing_secret!.slice(6));
    expect(decryptSecret(row.signingKeys[0].secretEnc)).toBe(d.signing_secret);
  });

  it("takes a grouping window, keeps it on a PATCH that leaves it out, clears it with null, refuses 0 naming it", async () => {
    const { key } = await setup();
    const d = await create(key, { grouping_window_seconds: 20 });
    expect((d as Dest & { grouping_window_seconds: number | null }).grouping_window_seconds).toBe(20);
    expect((await patch(key, d.id, { name: "renamed" })).json).toMatchObject({ grouping_window_seconds: 20 });
    expect((await patch(key, d.id, { grouping_window_seconds: null })).json).toMatchObject({
      grouping_window_seconds: null,
    });
    const bad = await call(collection.POST, {
      path: "/v1/destinations",
      key,
      body: { url: URL_OK, grouping_window_seconds: 0 },
    });
    expectV1Error(bad, 400, "validation_error", "grouping_window_seconds");
  });

  it("applies event_types and retry_policy overrides on top of the system defaults", async () => {
    const { key } = await setup();
    const d = await create(key, {
      event_types: ["PUSH_ARTIFACT", "PUSH_ARTIFACT", "SCANNING_FAILED"],
      retry_policy: { max_attempts: 7, timeout_ms: 1500 },
    });
    expect(d.event_types).toEqual(["PUSH_ARTIFACT", "SCANNING_FAILED"]);
    expect(d.retry_policy).toEqual({ ...(await defaultsFromSettings()), max_attempts: 7, timeout_ms: 1500 });
  });

  it("accepts https with a live key, and can create a destination paused", async () => {
    const { key } = await setup("live");
    const d = await create(key, { url: "https://127.0.0.1:9/live", status: "paused" });
    expect(d).toMatchObject({
      url: "https://127.0.0.1:9/live",
      status: "paused",
      paused_reason: expect.stringContaining("paused by api-key:"),
    });
  });

  it("invalid_url: not http(s), not a URL, credentials, and http:// with a live key", async () => {
    const { key } = await setup();
    const { key: live } = await setup("live");
    for (const url of ["ftp://example.com/x", "not a url", "javascript:alert(1)", "https://user:pw@127.0.0.1/x"]) {
      expectV1Error(
        await call(collection.POST, { path: "/v1/destinations", key, body: { url } }),
        400,
        "invalid_url",
        "url",
      );
    }
    const res = await call(collection.POST, { path: "/v1/destinations", key: live, body: { url: URL_OK } });
    expectV1Error(res, 400, "invalid_url", "url");
    expect((res.json as { error: { message: string } }).error.message).toMatch(/test-mode key/);
  });

  it("url_not_reachable: a host that does not resolve, or a refused network not allow-listed", async () => {
    const { key } = await setup();
    for (const url of [
      "http://no-such-host.invalid/hook",
      "http://10.1.2.3/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[fd00::1]/x",
    ]) {
      const res = await call(collection.POST, { path: "/v1/destinations", key, body: { url } });
      expectV1Error(res, 400, "url_not_reachable", "url");
    }
  });

  it("over_destination_limit: the per-project limit from settings", async () => {
    const { project, key } = await setup();
    const { destinationLimit } = await getSettings();
    // Fill the project up to one below the limit directly, then the API takes the last place.
    const db = await getDb();
    await db.webhookPolicy.createMany({
      data: Array.from({ length: destinationLimit - 1 }, (_, i) => ({
        publicId: `filler_${project.id}_${i}`,
        kind: "destination",
        projectId: project.id,
        name: "",
        eventTypes: "[]",
      })),
    });
    await create(key);
    expectV1Error(
      await call(collection.POST, { path: "/v1/destinations", key, body: { url: URL_OK } }),
      403,
      "over_destination_limit",
    );
    // Policies (Harbor's) do not count, and another project is unaffected.
    const other = await setup();
    await create(other.key);
  });

  it("metadata_too_large over 8 KB; metadata must be an object", async () => {
    const { key } = await setup();
    const big = { blob: "x".repeat(8 * 1024) };
    expectV1Error(
      await call(collection.POST, { path: "/v1/destinations", key, body: { url: URL_OK, metadata: big } }),
      400,
      "metadata_too_large",
      "metadata",
    );
    const justUnder = { b: "x".repeat(8 * 1024 - 8) }; // {"b":"…"} is exactly 8192 bytes
    expect(JSON.stringify(justUnder).length).toBe(8192);
    await create(key, { metadata: justUnder });
    for (const metadata of [[1, 2], "text", 5, null]) {
      expectV1Error(
        await call(collection.POST, { path: "/v1/destinations", key, body: { url: URL_OK, metadata } }),
        400,
        "validation_error",
        "metadata",
      );
    }
  });

  it("validation_error names the field", async () => {
    const { key } = await setup();
    const cases: [unknown, string][] = [
      [{}, "url"],
      [{ url: 5 }, "url"],
      [{ url: URL_OK, name: "n".repeat(257) }, "name"],
      [{ url: URL_OK, event_types: ["NOPE"] }, "event_types.0"],
      [{ url: URL_OK, event_types: [] }, "event_types"],
      [{ url: URL_OK, retry_policy: { max_attempts: 0 } }, "retry_policy.max_attempts"],
      [{ url: URL_OK, retry_policy: { retries: 3 } }, "retry_policy.retries"],
      [{ url: URL_OK, status: "gone" }, "status"],
      [{ url: URL_OK, secret: "mine" }, "secret"],
      [[{ url: URL_OK }], "body"],
    ];
    for (const [body, field] of cases) {
      expectV1Error(
        await call(collection.POST, { path: "/v1/destinations", key, body }),
        400,
        "validation_error",
        field,
      );
    }
  });

  it("bad bodies: not JSON, over the 1 MiB cap, not JSON content", async () => {
    const { key } = await setup();
    expectV1Error(
      await call(collection.POST, { path: "/v1/destinations", key, body: "{url:" }),
      400,
      "invalid_json",
      "body",
    );
    expectV1Error(
      await call(collection.POST, { path: "/v1/destinations", key, body: "" }),
      400,
      "invalid_json",
      "body",
    );
    const tooLarge = await call(collection.POST, {
      path: "/v1/destinations",
      key,
      body: JSON.stringify({ url: URL_OK, name: "x".repeat(1024 * 1024) }),
    });
    expectV1Error(tooLarge, 413, "payload_too_large", "body");
    expect((tooLarge.json as { error: { message: string } }).error.message).toContain("1 MiB");
    expectV1Error(
      await call(collection.POST, {
        path: "/v1/destinations",
        key,
        body: "url=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      415,
      "unsupported_media_type",
      "Content-Type",
    );
  });
});

describe("GET /v1/destinations", () => {
  it("pages with limit and an opaque next_cursor, newest first, and filters by status", async () => {
    const { key } = await setup();
    const made: Dest[] = [];
    for (let i = 0; i < 5; i++) made.push(await create(key, { name: `d${i}` }));
    await patch(key, made[1].id, { status: "paused" });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(key, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = res.json as Page<Dest>;
      expect(page.data.length).toBeLessThanOrEqual(2);
      for (const d of page.data) expect(d).not.toHaveProperty("signing_secret");
      seen.push(...page.data.map((d) => d.name));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(["d4", "d3", "d2", "d1", "d0"]);
    expect(pages).toBe(3);

    const all = (await list(key)).json as Page<Dest>;
    expect(all.data).toHaveLength(5);
    expect(all.next_cursor).toBeNull();
    const paused = (await list(key, "?status=paused")).json as Page<Dest>;
    expect(paused.data.map((d) => d.name)).toEqual(["d1"]);
    const active = (await list(key, "?status=active")).json as Page<Dest>;
    expect(active.data.map((d) => d.name)).toEqual(["d4", "d3", "d2", "d0"]);
  });

  it("defaults to 25 per page and never lists another project's destinations", async () => {
    const { key } = await setup();
    const other = await setup();
    await create(other.key, { name: "theirs" });
    const res = await list(key);
    expect(res.json).toEqual({ data: [], next_cursor: null });
    const db = await getDb();
    const { project } = await setup();
    const { key: k2 } = await makeApiKey(project.id);
    await db.webhookPolicy.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        publicId: `dest_${String(i).padStart(2, "0")}${project.id.toString(36).toUpperCase().padStart(24, "0")}`,
        kind: "destination",
        mode: "test",
        projectId: project.id,
        name: `bulk${i}`,
        eventTypes: "[]",
      })),
    });
    const page = (await list(k2)).json as Page<Dest>;
    expect(page.data).toHaveLength(25);
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  it("invalid_cursor for garbage; validation_error for limit and status", async () => {
    const { key } = await setup();
    const garbage = [
      "!!!",
      "abc",
      Buffer.from("not json").toString("base64url"),
      Buffer.from(JSON.stringify({ after: -1 })).toString("base64url"),
      Buffer.from(JSON.stringify({ id: 3 })).toString("base64url"),
      // Ids beyond the id columns' 32 bits: refused before any query (PostgreSQL would fail it).
      Buffer.from(JSON.stringify({ after: 2 ** 31 })).toString("base64url"),
      Buffer.from(JSON.stringify({ after: Number.MAX_SAFE_INTEGER })).toString("base64url"),
    ];
    for (const c of garbage)
      expectV1Error(await list(key, `?cursor=${encodeURIComponent(c)}`), 400, "invalid_cursor", "cursor");
    expect((await list(key, `?cursor=${encodeCursor(1)}`)).status).toBe(200);
    for (const l of ["0", "101", "abc", "2.5", "-1"])
      expectV1Error(await list(key, `?limit=${l}`), 400, "validation_error", "limit");
    expect((await list(key, "?limit=100")).status).toBe(200);
    expectV1Error(await list(key, "?status=deleted"), 400, "validation_error", "status");
  });
});

describe("GET / PATCH / DELETE /v1/destinations/{id}", () => {
  it("GET returns the destination without its secret", async () => {
    const { key } = await setup();
    const { signing_secret, ...created } = await create(key, { name: "r", metadata: { a: { nested: [1, 2] } } });
    expect(signing_secret).toBeTruthy();
    const res = await get(key, created.id);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(created);
    expect(res.text).not.toContain("whsec_");
  });

  it("PATCH status paused/active, and the other fields", async () => {
    const { key } = await setup();
    const d = await create(key, { retry_policy: { max_attempts: 9 } });
    const paused = await patch(key, d.id, { status: "paused" });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({
      id: d.id,
      status: "paused",
      paused_reason: expect.stringContaining("paused by api-key:"),
    });
    expect((paused.json as Dest).retry_policy.max_attempts).toBe(9); // untouched fields stay

    const resumed = await patch(key, d.id, { status: "active" });
    expect(resumed.json).toMatchObject({ status: "active", paused_reason: null });

    const changed = (
      await patch(key, d.id, {
        url: "http://127.0.0.1:9/other",
        name: "renamed",
        metadata: { team: "x" },
        event_types: ["TAG_RETENTION"],
        retry_policy: { timeout_ms: 2500 },
      })
    ).json as Dest;
    expect(changed).toMatchObject({
      url: "http://127.0.0.1:9/other",
      name: "renamed",
      metadata: { team: "x" },
      event_types: ["TAG_RETENTION"],
    });
    expect(changed.retry_policy).toEqual({ ...(await defaultsFromSettings()), timeout_ms: 2500 }); // replaced as a whole
    expect(Date.parse(changed.updated_at)).toBeGreaterThanOrEqual(Date.parse(d.updated_at));

    const reset = (await patch(key, d.id, { retry_policy: null })).json as Dest;
    expect(reset.retry_policy).toEqual(await defaultsFromSettings());
    expect((await patch(key, d.id, {})).json).toMatchObject({ name: "renamed", url: "http://127.0.0.1:9/other" });
  });

  it("an engine-paused target (410 Gone) shows as paused with its reason; PATCH active resumes it", async () => {
    const { key } = await setup();
    const d = await create(key);
    const db = await getDb();
    const policy = await db.webhookPolicy.findUniqueOrThrow({ where: { publicId: d.id }, include: { targets: true } });
    await db.webhookTarget.update({
      where: { id: policy.targets[0].id },
      data: { status: "paused", pausedReason: "the endpoint answered 410 Gone", consecutiveFailures: 4 },
    });
    expect((await get(key, d.id)).json).toMatchObject({
      status: "paused",
      paused_reason: "the endpoint answered 410 Gone",
    });
    expect(((await list(key, "?status=paused")).json as Page<Dest>).data.map((x) => x.id)).toEqual([d.id]);
    expect((await patch(key, d.id, { status: "active" })).json).toMatchObject({
      status: "active",
      paused_reason: null,
    });
    expect(await db.webhookTarget.findUniqueOrThrow({ where: { id: policy.targets[0].id } })).toMatchObject({
      status: "active",
      consecutiveFailures: 0,
    });
  });

  it("PATCH errors: invalid_url, url_not_reachable, metadata_too_large, validation_error", async () => {
    const { key } = await setup();
    const { key: live } = await setup("live");
    const d = await create(key);
    expectV1Error(await patch(key, d.id, { url: "gopher://x" }), 400, "invalid_url", "url");
    expectV1Error(await patch(key, d.id, { url: "http://10.9.9.9/x" }), 400, "url_not_reachable", "url");
    expectV1Error(await patch(key, d.id, { metadata: { x: "y".repeat(9000) } }), 400, "metadata_too_large", "metadata");
    expectV1Error(await patch(key, d.id, { status: "on" }), 400, "validation_error", "status");
    expectV1Error(await patch(key, d.id, { id: "dest_x" }), 400, "validation_error", "id");
    // A live key may not move its destination to plain HTTP.
    const ld = await create(live, { url: "https://127.0.0.1:9/live" });
    expectV1Error(await patch(live, ld.id, { url: "http://127.0.0.1:9/x" }), 400, "invalid_url", "url");
    // Nothing was changed by the refused requests.
    expect((await get(key, d.id)).json).toMatchObject({ url: URL_OK, status: "active", metadata: {} });
    expect((await get(live, ld.id)).json).toMatchObject({ url: "https://127.0.0.1:9/live" });
  });

  it("DELETE answers 204, stops pending deliveries, and the destination is gone", async () => {
    const { project, key } = await setup();
    const d = await create(key);
    const { taskIds } = await seedDeliveries(project.id, d.id, 2, { status: "Pending" });
    const res = await del(key, d.id);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expectV1Error(await get(key, d.id), 404, "destination_not_found", "id");
    expectV1Error(await del(key, d.id), 404, "destination_not_found", "id");
    const db = await getDb();
    expect(await db.task.count({ where: { id: { in: taskIds } } })).toBe(0);
    const audit = await db.auditLog.findFirst({ where: { projectId: project.id, action: "destination.delete" } });
    expect(audit).not.toBeNull();
  });
});

describe("POST /v1/destinations/{id}/signing-keys", () => {
  it("returns a new secret once; the old one keeps signing during the overlap", async () => {
    const { key } = await setup();
    const d = await create(key);
    const res = await rotate(key, d.id);
    expect(res.status).toBe(201);
    const body = res.json as { id: string; signing_secret: string; previous_secrets_expire_at: string };
    expect(body).toEqual({
      id: d.id,
      signing_secret: expect.stringMatching(/^whsec_/),
      previous_secrets_expire_at: expect.any(String),
    });
    expect(body.signing_secret).not.toBe(d.signing_secret);
    const overlapHours = (await getSettings()).signingOverlapHours;
    expect(
      Math.abs(Date.parse(body.previous_secrets_expire_at) - (Date.now() + overlapHours * 3_600_000)),
    ).toBeLessThan(60_000);

    const db = await getDb();
    const policy = await db.webhookPolicy.findUniqueOrThrow({
      where: { publicId: d.id },
      include: { signingKeys: true },
    });
    const secrets = activeSigningSecrets(policy.signingKeys);
    expect(secrets).toEqual(overlapHours > 0 ? [body.signing_secret, d.signing_secret] : [body.signing_secret]);
    // A receiver holding either secret verifies a delivery signed now.
    const id = "msg_test";
    const timestamp = Math.floor(Date.now() / 1000);
    const payload = '{"type":"PUSH_ARTIFACT"}';
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signPayload({ id, timestamp, body: payload, secrets }),
    };
    expect(() => new Webhook(body.signing_secret).verify(payload, headers)).not.toThrow();
    if (overlapHours > 0) expect(() => new Webhook(d.signing_secret!).verify(payload, headers)).not.toThrow();
    // GET still shows no secret.
    expect((await get(key, d.id)).text).not.toContain("whsec_");
  });
});

/**
 * Tasks of a destination written straight to the database, its target paused so no worker of
 * another test file claims them: the listing is what is tested here (e2e covers real deliveries).
 */
async function seedDeliveries(
  projectId: number,
  publicId: string,
  n: number,
  opts: { status?: string; attempts?: number } = {},
) {
  const db = await getDb();
  const policy = await db.webhookPolicy.findUniqueOrThrow({ where: { publicId }, include: { targets: true } });
  await db.webhookTarget.update({
    where: { id: policy.targets[0].id },
    data: { status: "paused", pausedReason: "held by the test" },
  });
  const taskIds: number[] = [];
  for (let i = 0; i < n; i++) {
    const event = await db.event.create({
      data: {
        projectId,
        type: "PUSH_ARTIFACT",
        occurAt: 1_700_000_000 + i,
        eventData: "{}",
        requestId: `req-${i}`,
        source: "api",
      },
    });
    const execution = await db.execution.create({
      data: {
        policyId: policy.id,
        targetId: policy.targets[0].id,
        eventId: event.id,
        vendorType: "WEBHOOK",
        eventType: "PUSH_ARTIFACT",
        status: opts.status ?? "Error",
      },
    });
    const task = await db.task.create({
      data: {
        executionId: execution.id,
        policyId: policy.id,
        targetId: policy.targets[0].id,
        webhookId: `msg_seed_${policy.id}_${i}`,
        status: opts.status ?? "Error",
        statusMessage: opts.status ? "" : "response code 500",
        runCount: opts.attempts ?? 0,
        maxAttempts: 3,
        // An open task is in the queue, as the state machine keeps it (not due: no worker takes it).
        ...(opts.status === "Pending" || opts.status === "Running"
          ? { queueItem: { create: { targetId: policy.targets[0].id, dueAt: Date.now() + 86_400_000 } } }
          : {}),
      },
    });
    for (let a = 1; a <= (opts.attempts ?? 0); a++) {
      await db.attempt.create({
        data: {
          taskId: task.id,
          number: a,
          startedAt: new Date(1_700_000_000_000 + a * 1000),
          durationMs: 10 * a,
          responseStatus: a < 2 ? 500 : null,
          error: a < 2 ? null : "connection refused",
        },
      });
    }
    taskIds.push(task.id);
  }
  return { taskIds };
}

describe("GET /v1/destinations/{id}/deliveries", () => {
  it("lists deliveries newest first with their attempts, cursor-paged", async () => {
    const { project, key } = await setup();
    const d = await create(key);
    const { taskIds } = await seedDeliveries(project.id, d.id, 3, { attempts: 2 });
    const first = await listDeliveries(key, d.id, "?limit=2");
    expect(first.status).toBe(200);
    const page = first.json as Page<Record<string, unknown>>;
    expect(page.data.map((x) => x.id)).toEqual([taskIds[2], taskIds[1]]);
    expect(page.data[0]).toEqual({
      id: taskIds[2],
      webhook_id: expect.stringMatching(/^msg_seed_/),
      event_id: expect.any(Number),
      event_type: "PUSH_ARTIFACT",
      status: "error",
      status_message: "response code 500",
      attempts: [
        {
          number: 1,
          started_at: new Date(1_700_000_001_000).toISOString(),
          duration_ms: 10,
          response_status: 500,
          error: null,
        },
        {
          number: 2,
          started_at: new Date(1_700_000_002_000).toISOString(),
          duration_ms: 20,
          response_status: null,
          error: "connection refused",
        },
      ],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const second = (await listDeliveries(key, d.id, `?limit=2&cursor=${page.next_cursor}`)).json as Page<{
      id: number;
    }>;
    expect(second.data.map((x) => x.id)).toEqual([taskIds[0]]);
    expect(second.next_cursor).toBeNull();
    expectV1Error(await listDeliveries(key, d.id, "?cursor=zzz"), 400, "invalid_cursor", "cursor");
    const beyond32Bits = Buffer.from(JSON.stringify({ after: 2 ** 31 })).toString("base64url");
    expectV1Error(await listDeliveries(key, d.id, `?cursor=${beyond32Bits}`), 400, "invalid_cursor", "cursor");
    expectV1Error(await listDeliveries(key, d.id, "?limit=1000"), 400, "validation_error", "limit");
  });
});

describe("keys and projects", () => {
  it("another project's key gets destination_not_found on every route", async () => {
    const { key } = await setup();
    const { key: otherKey } = await setup();
    const d = await create(key);
    expectV1Error(await get(otherKey, d.id), 404, "destination_not_found", "id");
    expectV1Error(await patch(otherKey, d.id, { name: "x" }), 404, "destination_not_found", "id");
    expectV1Error(await del(otherKey, d.id), 404, "destination_not_found", "id");
    expectV1Error(await rotate(otherKey, d.id), 404, "destination_not_found", "id");
    expectV1Error(await listDeliveries(otherKey, d.id), 404, "destination_not_found", "id");
    // Malformed and unknown ids too.
    expectV1Error(await get(key, "dest_nope"), 404, "destination_not_found", "id");
    expectV1Error(await get(key, "dest_01HXYZ01HXYZ01HXYZ01HXYZ01"), 404, "destination_not_found", "id");
    expect((await get(key, d.id)).status).toBe(200);
  });

  it("a key sees and changes only the destinations of its own mode", async () => {
    const { project, key: test } = await setup("test");
    const { key: live } = await makeApiKey(project.id, "live");
    const { key: test2 } = await makeApiKey(project.id, "test");
    const t = await create(test, { name: "test one" });
    const l = await create(live, { url: "https://127.0.0.1:9/live", name: "live one" });
    const db = await getDb();
    expect((await db.webhookPolicy.findUniqueOrThrow({ where: { publicId: t.id } })).mode).toBe("test");
    expect((await db.webhookPolicy.findUniqueOrThrow({ where: { publicId: l.id } })).mode).toBe("live");

    // Lists: each mode its own; any key of the mode sees the mode's destinations.
    const names = async (key: string) => ((await list(key)).json as Page<Dest>).data.map((d) => d.name);
    expect(await names(test)).toEqual(["test one"]);
    expect(await names(test2)).toEqual(["test one"]);
    expect(await names(live)).toEqual(["live one"]);

    // The other mode's id is an unknown id (the spec's 404), on every route; nothing changes.
    for (const [key, other] of [
      [test, l.id],
      [live, t.id],
    ] as const) {
      expectV1Error(await get(key, other), 404, "destination_not_found", "id");
      expectV1Error(await patch(key, other, { url: "http://127.0.0.1:9/moved" }), 404, "destination_not_found", "id");
      expectV1Error(await del(key, other), 404, "destination_not_found", "id");
      expectV1Error(await rotate(key, other), 404, "destination_not_found", "id");
      expectV1Error(await listDeliveries(key, other), 404, "destination_not_found", "id");
    }
    expect((await get(live, l.id)).json).toMatchObject({ url: "https://127.0.0.1:9/live", status: "active" });
    expect((await get(test2, t.id)).json).toMatchObject({ url: URL_OK, status: "active" });
  });

  it("unauthorized: no key, a malformed key, a revoked key, or user credentials", async () => {
    const { key, keyRow } = await setup();
    const d = await create(key);
    const db = await getDb();
    const { key: revoked, row } = await makeApiKey(keyRow.projectId);
    await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    const auths: (string | undefined)[] = [
      undefined,
      "Bearer hk_test_short",
      `Bearer ${revoked}`,
      "Basic YWRtaW46cGFzc3dvcmQ=",
      `Bearer ${key.replace(/.$/, (c) => (c === "a" ? "b" : "a"))}`,
    ];
    for (const auth of auths) {
      expectV1Error(await call(collection.GET, { path: "/v1/destinations", auth }), 401, "unauthorized");
      expectV1Error(
        await call(collection.POST, { path: "/v1/destinations", auth, body: { url: URL_OK } }),
        401,
        "unauthorized",
      );
      expectV1Error(
        await call(item.GET, { path: `/v1/destinations/${d.id}`, auth, params: { id: d.id } }),
        401,
        "unauthorized",
      );
      expectV1Error(
        await call(item.PATCH, {
          method: "PATCH",
          path: `/v1/destinations/${d.id}`,
          auth,
          body: {},
          params: { id: d.id },
        }),
        401,
        "unauthorized",
      );
      expectV1Error(
        await call(item.DELETE, {
          method: "DELETE",
          path: `/v1/destinations/${d.id}`,
          auth,
          params: { id: d.id },
        }),
        401,
        "unauthorized",
      );
      expectV1Error(
        await call(signingKeys.POST, {
          method: "POST",
          path: `/v1/destinations/${d.id}/signing-keys`,
          auth,
          params: { id: d.id },
        }),
        401,
        "unauthorized",
      );
      expectV1Error(
        await call(deliveries.GET, {
          path: `/v1/destinations/${d.id}/deliveries`,
          auth,
          params: { id: d.id },
        }),
        401,
        "unauthorized",
      );
    }
    expect((await get(key, d.id)).status).toBe(200);
  });

  it("rate_limited: 429 with Retry-After once the key's window is spent; other keys are unaffected", async () => {
    const { key, keyRow } = await setup();
    const other = await setup();
    // Spend the window directly on the limiter the wrapper uses (API_RATE_LIMIT_PER_MINUTE).
    let hits = 0;
    while (apiLimiter.hit(`key:${keyRow.id}`) === 0 && hits < 100_000) hits++;
    const res = await list(key);
    expectV1Error(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await list(other.key)).status).toBe(200);
    apiLimiter.reset(`key:${keyRow.id}`);
    expect((await list(key)).status).toBe(200);
  });

  it("unknown /v1 routes answer 404 in the API's error shape", async () => {
    const res = await call(unknownRoute.GET, { path: "/v1/nothing-here" });
    expectV1Error(res, 404, "not_found");
  });
});
