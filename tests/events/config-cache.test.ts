// What ingest reads on every request (API keys, projects, settings, policies and targets) is kept in
// memory per process while the database's ConfigVersion holds. Two independent copies of the ingest
// code (each with its own cache, as two web processes have) over one database: a change made
// through either, or straight in the database, takes effect at the next request in the other.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ApiCall } from "@/lib/api/call";
import { resetEnvCache } from "@/lib/config/env";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { getSettings } from "@/lib/settings/settings";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";

type Ingest = typeof import("@/lib/events/ingest-http");
const admin = makeUser({ sysadmin: true });
let first: Ingest;
let second: Ingest;

beforeAll(async () => {
  first = await import("@/lib/events/ingest-http");
  vi.resetModules();
  second = await import("@/lib/events/ingest-http");
  expect(second).not.toBe(first);
});

afterAll(async () => {
  const db = await getDb();
  await db.systemSettings.update({ where: { id: 1 }, data: { webhooksEnabled: true, registryTokenEnc: null } });
  resetEnvCache();
});

function request(headers: Record<string, string>, body: unknown, query = ""): ApiCall {
  const text = JSON.stringify(body);
  return {
    headers: new Headers({ "content-type": "application/json", ...headers }),
    searchParams: new URLSearchParams(query),
    readBody: async () => Buffer.from(text),
  };
}

const postEvent = (copy: Ingest, key: string, query = "") =>
  copy.serveIngest("events", request({ authorization: `Bearer ${key}` }, sampleEvent("PUSH_ARTIFACT"), query));

async function setup() {
  const project = await makeProject();
  const { key, row } = await makeApiKey(project.id);
  const { policy } = await createPolicy(
    await requireProject((await admin).actor, project.id, "webhook.manage"),
    policyInputSchema.parse({
      name: "p",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: DEAD_URL }],
    }),
  );
  return { project, key, keyRow: row, policy };
}

describe("the ingest cache across two independent copies over one database", () => {
  it("a key revoked in the database is refused at the next request by both copies", async () => {
    const { key, keyRow } = await setup();
    expect((await postEvent(first, key, "validate_only=true")).status).toBe(202);
    expect((await postEvent(second, key, "validate_only=true")).status).toBe(202);
    const db = await getDb();
    await db.apiKey.update({ where: { id: keyRow.id }, data: { revokedAt: new Date() } });
    const refused = await postEvent(second, key, "validate_only=true");
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: { code: "unauthorized", message: "invalid or revoked API key" } });
    expect((await postEvent(first, key)).status).toBe(401);
  });

  it("the key is read from memory while the version holds (a change hidden from the version is not seen)", async () => {
    const { key, keyRow } = await setup();
    expect((await postEvent(first, key, "validate_only=true")).status).toBe(202);
    const db = await getDb();
    const { version } = await db.configVersion.findUniqueOrThrow({ where: { id: 1 } });
    await db.apiKey.update({ where: { id: keyRow.id }, data: { revokedAt: new Date() } });
    // Put the version back, as if the revocation had not bumped it: the copy that cached the key
    // still accepts it, the copy that never saw it reads the row and refuses.
    await db.configVersion.update({ where: { id: 1 }, data: { version } });
    expect((await postEvent(first, key, "validate_only=true")).status).toBe(202);
    await db.configVersion.update({ where: { id: 1 }, data: { version: version + 1 } });
    expect((await postEvent(first, key, "validate_only=true")).status).toBe(401);
  });

  it("a key deleted with its project is refused at once", async () => {
    const { project, key } = await setup();
    expect((await postEvent(second, key)).status).toBe(202);
    await (await getDb()).project.delete({ where: { id: project.id } });
    expect((await postEvent(second, key)).status).toBe(401);
  });

  it("a disabled, changed or deleted policy, and a paused target, count at the next event", async () => {
    const { key, policy } = await setup();
    const deliveries = async (copy: Ingest) => ((await postEvent(copy, key)).body as { deliveries: number }).deliveries;
    expect(await deliveries(first)).toBe(1);
    expect(await deliveries(second)).toBe(1);
    const db = await getDb();
    await db.webhookPolicy.update({ where: { id: policy.id }, data: { enabled: false } });
    expect(await deliveries(second)).toBe(0);
    await db.webhookPolicy.update({ where: { id: policy.id }, data: { enabled: true } });
    expect(await deliveries(first)).toBe(1);
    await db.webhookPolicy.update({
      where: { id: policy.id },
      data: { eventTypes: JSON.stringify(["DELETE_ARTIFACT"]) },
    });
    expect(await deliveries(second)).toBe(0);
    await db.webhookPolicy.update({
      where: { id: policy.id },
      data: { eventTypes: JSON.stringify(["PUSH_ARTIFACT"]) },
    });
    expect(await deliveries(second)).toBe(1);
    await db.webhookTarget.updateMany({ where: { policyId: policy.id }, data: { status: "paused" } });
    expect(await deliveries(first)).toBe(0);
    await db.webhookTarget.updateMany({ where: { policyId: policy.id }, data: { status: "active" } });
    expect(await deliveries(first)).toBe(1);
    await db.webhookPolicy.delete({ where: { id: policy.id } });
    expect(await deliveries(second)).toBe(0);
  });

  it("the global switch turned off in the database drops the next event in both copies", async () => {
    const { key } = await setup();
    expect((await postEvent(first, key)).body).toMatchObject({ deliveries: 1 });
    expect((await postEvent(second, key)).body).toMatchObject({ deliveries: 1 });
    await getSettings();
    const db = await getDb();
    await db.systemSettings.update({ where: { id: 1 }, data: { webhooksEnabled: false } });
    expect((await postEvent(second, key)).body).toMatchObject({ skipped: true, reason: "webhooks_disabled" });
    expect((await postEvent(first, key)).body).toMatchObject({ skipped: true });
    await db.systemSettings.update({ where: { id: 1 }, data: { webhooksEnabled: true } });
    expect((await postEvent(first, key)).body).toMatchObject({ deliveries: 1 });
  });

  it("a registry token set in the settings is accepted at once, and the old one refused", async () => {
    const envToken = process.env.REGISTRY_NOTIFICATION_TOKEN;
    delete process.env.REGISTRY_NOTIFICATION_TOKEN;
    resetEnvCache();
    try {
      const db = await getDb();
      await getSettings();
      const post = (copy: Ingest, token: string) =>
        copy.serveIngest("registry", request({ authorization: `Bearer ${token}` }, { events: [] }));
      const one = `token-one-${crypto.randomUUID()}`;
      const two = `token-two-${crypto.randomUUID()}`;
      await db.systemSettings.update({ where: { id: 1 }, data: { registryTokenEnc: encryptSecret(one) } });
      expect((await post(first, one)).status).toBe(202);
      expect((await post(second, one)).status).toBe(202);
      await db.systemSettings.update({ where: { id: 1 }, data: { registryTokenEnc: encryptSecret(two) } });
      expect((await post(second, one)).status).toBe(401);
      expect((await post(first, two)).status).toBe(202);
    } finally {
      if (envToken !== undefined) process.env.REGISTRY_NOTIFICATION_TOKEN = envToken;
      resetEnvCache();
    }
  });

  it("rows that ingest does not read (a key's last use, a target's failure count) leave the version alone", async () => {
    const { keyRow, policy } = await setup();
    const db = await getDb();
    const version = async () => (await db.configVersion.findUniqueOrThrow({ where: { id: 1 } })).version;
    const before = await version();
    await db.apiKey.update({ where: { id: keyRow.id }, data: { lastUsedAt: new Date() } });
    await db.webhookTarget.updateMany({ where: { policyId: policy.id }, data: { consecutiveFailures: 3 } });
    expect(await version()).toBe(before);
  });
});
