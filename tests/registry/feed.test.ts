// The registry feed: every request to POST /service/notifications is counted in the database
// (accepted, duplicate, ignored events; rejected requests) with the latest reasons and the source
// address, on the test's own database so the figures are absolute. Also: /metrics shows them, the
// log tells the story without the token, a flood of bad tokens keeps one row.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { logged } from "../helpers/log-capture";

vi.mock("@/lib/log/logger", async () => (await import("../helpers/log-capture")).loggerMock());

import { POST } from "@/app/service/notifications/route";
import { GET as metricsGET } from "@/app/metrics/route";
import { resetEnvCache } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";
import { readRegistryFeed } from "@/lib/settings/registry-feed";
import { webRegistry } from "@/lib/metrics/queue-metrics";
import { makeProject } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { useOwnDatabase } from "../helpers/own-database";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";

const TOKEN = "registry-feed-token-0123456789";
const BAD_TOKEN = "bad-token-4b1d9e77c0ffee";
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

let dispose: (() => Promise<void>) | undefined;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  for (const k of ["REGISTRY_NOTIFICATION_TOKEN", "METRICS_TOKEN"]) saved[k] = process.env[k];
  process.env.REGISTRY_NOTIFICATION_TOKEN = TOKEN;
  delete process.env.METRICS_TOKEN;
  resetEnvCache();
  dispose = (await useOwnDatabase("registry-feed")).dispose;
}, 60_000);
afterAll(async () => {
  await dispose?.();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});
beforeEach(() => {
  logged.length = 0;
});

function manifestPush(repository: string, id = crypto.randomUUID()) {
  const digest = "sha256:" + crypto.randomBytes(32).toString("hex");
  return {
    id,
    timestamp: "2026-12-01T10:00:00.5Z",
    action: "push",
    target: {
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      size: 1234,
      digest,
      repository,
      url: `http://registry.local:5000/v2/${repository}/manifests/${digest}`,
      tag: "1.0",
    },
    request: { id: crypto.randomUUID(), method: "PUT", host: "registry.local:5000" },
    actor: { name: "ci-bot" },
  };
}

/** `from`: the connection's address, as the web server writes it; `forwardedFor`: what the client claims. */
const notify = (body: unknown, opts: { auth?: string | null; from?: string; forwardedFor?: string } = {}) =>
  call(POST, {
    path: "/service/notifications",
    auth: opts.auth === null ? undefined : (opts.auth ?? `Bearer ${TOKEN}`),
    body,
    headers: {
      "content-type": REGISTRY_ENVELOPE_MEDIA_TYPE,
      ...(opts.from ? { [PEER_ADDRESS_HEADER]: opts.from } : {}),
      ...(opts.forwardedFor ? { "x-forwarded-for": opts.forwardedFor } : {}),
    },
  });

/** What the feed gained since `before`. */
async function delta(before: Awaited<ReturnType<typeof readRegistryFeed>>) {
  const now = await readRegistryFeed();
  return {
    accepted: now.counts.accepted - before.counts.accepted,
    duplicate: now.counts.duplicate - before.counts.duplicate,
    ignored: now.counts.ignored - before.counts.ignored,
    rejected: now.counts.rejected - before.counts.rejected,
  };
}

const logText = () => JSON.stringify(logged);

describe("registry feed", () => {
  it("starts at zero, with the row the migration inserts", async () => {
    const feed = await readRegistryFeed();
    expect(feed).toEqual({
      counts: { accepted: 0, duplicate: 0, ignored: 0, rejected: 0 },
      lastReceivedAt: null,
      lastSource: null,
      lastIgnored: null,
      lastRejected: null,
    });
    expect(await (await getDb()).registryFeed.count()).toBe(1);
  });

  it("counts an accepted event, then the same event again as a duplicate, with the source address", async () => {
    const project = await makeProject();
    const event = manifestPush(`${project.name}/app`);
    const before = await readRegistryFeed();
    const first = await notify({ events: [event] }, { from: "192.0.2.7" });
    expect(first.status).toBe(202);
    expect(await delta(before)).toEqual({ accepted: 1, duplicate: 0, ignored: 0, rejected: 0 });
    const feed = await readRegistryFeed();
    expect(feed.lastSource).toBe("192.0.2.7");
    expect(feed.lastReceivedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const again = await notify({ events: [event] }, { from: "192.0.2.7" });
    expect(again.status).toBe(202);
    expect(await delta(before)).toEqual({ accepted: 1, duplicate: 1, ignored: 0, rejected: 0 });

    const summary = logged.find((l) => l.args[1] === "registry notification processed");
    expect(summary?.level).toBe("info");
    expect(summary?.args[0]).toMatchObject({ source: "192.0.2.7", accepted: 1, projects: [project.name] });
    expect(logText()).not.toContain(TOKEN);
  });

  it("counts an event for an unknown project as ignored and names the project", async () => {
    const before = await readRegistryFeed();
    const res = await notify({ events: [manifestPush("nosuchproject/app")] }, { from: "10.0.0.9" });
    expect(res.status).toBe(202);
    expect(await delta(before)).toEqual({ accepted: 0, duplicate: 0, ignored: 1, rejected: 0 });
    const feed = await readRegistryFeed();
    expect(feed.lastIgnored?.reason).toBe('project "nosuchproject" does not exist (from 10.0.0.9)');
    expect(logText()).toContain('project \\"nosuchproject\\" does not exist');
  });

  it("does not count blob layers and HEAD checks (not meant for delivery)", async () => {
    const project = await makeProject();
    const layer = manifestPush(`${project.name}/app`);
    layer.target.mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    const before = await readRegistryFeed();
    expect((await notify({ events: [layer] })).status).toBe(202);
    expect(await delta(before)).toEqual({ accepted: 0, duplicate: 0, ignored: 0, rejected: 0 });
  });

  it("counts a bad token as rejected, names the address, and never keeps or logs the token", async () => {
    const before = await readRegistryFeed();
    const res = await notify({ events: [manifestPush("x/app")] }, { auth: `Bearer ${BAD_TOKEN}`, from: "10.0.0.5" });
    expect(res.status).toBe(401);
    expect(await delta(before)).toEqual({ accepted: 0, duplicate: 0, ignored: 0, rejected: 1 });
    const feed = await readRegistryFeed();
    expect(feed.lastRejected?.reason).toBe("bad token from 10.0.0.5");
    expect(feed.lastSource).toBe("10.0.0.5");
    const row = await (await getDb()).registryFeed.findUnique({ where: { id: 1 } });
    expect(JSON.stringify(row)).not.toContain(BAD_TOKEN);
    expect(logged.some((l) => l.args[1] === "registry notification rejected")).toBe(true);
    expect(logText()).not.toContain(BAD_TOKEN);

    await notify({ events: [] }, { auth: null, from: "10.0.0.6" });
    expect((await readRegistryFeed()).lastRejected?.reason).toBe("no token from 10.0.0.6");
  });

  it("counts bad JSON and a bad envelope as rejected, with the error", async () => {
    const before = await readRegistryFeed();
    expect((await notify("{not json", { from: "10.0.0.7" })).status).toBe(400);
    expect((await readRegistryFeed()).lastRejected?.reason).toMatch(/JSON.*\(from 10\.0\.0\.7\)$/i);
    expect((await notify({ events: "nope" }, { from: "10.0.0.7" })).status).toBe(400);
    expect((await readRegistryFeed()).lastRejected?.reason).toMatch(/^events: .*\(from 10\.0\.0\.7\)$/);
    expect(await delta(before)).toEqual({ accepted: 0, duplicate: 0, ignored: 0, rejected: 2 });
  });

  it("keeps one row under a flood of bad tokens, and a spoofed address is shown bounded and clean", async () => {
    const before = await readRegistryFeed();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        notify({ events: [] }, { auth: `Bearer flood-${i}-${BAD_TOKEN}`, from: "10.1.1.1" }),
      ),
    );
    expect(await delta(before)).toEqual({ accepted: 0, duplicate: 0, ignored: 0, rejected: 40 });
    expect(await (await getDb()).registryFeed.count()).toBe(1);
    await notify({ events: [] }, { auth: "Bearer x", from: "<script>alert(1)</script>" });
    expect((await readRegistryFeed()).lastRejected?.reason).toBe("bad token from unknown address");
    // A client that trusts no proxy cannot choose the address shown.
    await notify({ events: [] }, { auth: "Bearer x", from: "10.2.2.2", forwardedFor: "203.0.113.1" });
    expect((await readRegistryFeed()).lastSource).toBe("10.2.2.2");
  });

  it("adds concurrent envelopes up right", async () => {
    const project = await makeProject();
    const before = await readRegistryFeed();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        notify({
          events: [
            manifestPush(`${project.name}/app`),
            manifestPush(i % 2 ? "nosuchproject/app" : `${project.name}/b`),
          ],
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(await delta(before)).toEqual({ accepted: 12, duplicate: 0, ignored: 4, rejected: 0 });
  });
});

describe("/metrics", () => {
  it("reports the feed as harbor_registry_notifications_total by outcome", async () => {
    const feed = await readRegistryFeed();
    const text = await webRegistry().metrics();
    expect(text).toContain("# TYPE harbor_registry_notifications_total counter");
    for (const outcome of ["accepted", "duplicate", "ignored", "rejected"] as const)
      expect(text).toContain(`harbor_registry_notifications_total{outcome="${outcome}"} ${feed.counts[outcome]}`);
  });

  it("is open without METRICS_TOKEN, and needs it as a bearer token once set", async () => {
    expect((await call(metricsGET, { path: "/metrics" })).status).toBe(200);
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    resetEnvCache();
    try {
      const none = await call(metricsGET, { path: "/metrics" });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(none.text).not.toContain("harbor_");
      expect((await call(metricsGET, { path: "/metrics", auth: "Bearer wrong-token-0123456789" })).status).toBe(401);
      expect((await call(metricsGET, { path: "/metrics", auth: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
      const ok = await call(metricsGET, { path: "/metrics", auth: `Bearer ${METRICS_TOKEN}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("harbor_registry_notifications_total");
    } finally {
      delete process.env.METRICS_TOKEN;
      resetEnvCache();
    }
  });
});
