// Concurrent ingest requests share transactions (lib/events/group-commit.ts). Each request is still
// answered only once the transaction holding its event has committed, and one bad event in a shared
// transaction fails alone: the others are written again, each on its own, and answered.
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { commitEvents, groupCommitStats, type EventWrite } from "@/lib/events/group-commit";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { createPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { DEAD_URL, makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { useIngestServer } from "../helpers/ingest-server";

const admin = makeUser({ sysadmin: true });
const server = useIngestServer();

async function setup() {
  const project = await makeProject();
  const { key } = await makeApiKey(project.id);
  await createPolicy(
    await requireProject((await admin).actor, project.id, "webhook.manage"),
    policyInputSchema.parse({
      name: "p",
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: DEAD_URL }],
    }),
  );
  return { project, key };
}

/** POSTs an event; once the answer is in, reads the event's row (it must be there already). */
async function postAndLook(key: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.base()}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id?: number; deliveries?: number; error?: { code: string } };
  const db = await getDb();
  const row =
    json.id === undefined
      ? null
      : await db.event.findUnique({ where: { id: json.id }, include: { executions: { include: { tasks: true } } } });
  return { status: res.status, json, row };
}

describe("group commit", () => {
  it("60 concurrent requests over HTTP: every event stored with its delivery when its 202 arrives", async () => {
    const { project, key } = await setup();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postAndLook(key, { ...sampleEvent("PUSH_ARTIFACT"), operator: `op-${i}` }, { "x-request-id": `gc-${i}` }),
      ),
    );
    for (const [i, a] of answers.entries()) {
      expect(a.status).toBe(202);
      expect(a.json).toEqual({ id: expect.any(Number), deliveries: 1 });
      expect(a.row?.requestId).toBe(`gc-${i}`);
      expect(a.row?.operator).toBe(`op-${i}`);
      expect(a.row?.executions).toHaveLength(1);
      expect(a.row?.executions[0].tasks).toHaveLength(1);
    }
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(60);
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(60);
  });

  it("60 events ingested at once share transactions, and each is committed when its call returns", async () => {
    const { project } = await setup();
    const db = await getDb();
    const before = { ...groupCommitStats };
    const seen = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const r = await ingestEvent({
          projectId: project.id,
          event: { ...sampleEvent("PUSH_ARTIFACT"), operator: `at-once-${i}` },
          source: "api",
        });
        if (r.status !== "accepted") throw new Error("skipped");
        return db.event.findUnique({ where: { id: r.eventId }, select: { operator: true } });
      }),
    );
    expect(seen.map((e) => e?.operator)).toEqual(Array.from({ length: 60 }, (_, i) => `at-once-${i}`));
    expect(groupCommitStats.events - before.events).toBe(60);
    expect(groupCommitStats.transactions - before.transactions).toBeLessThan(10);
  });

  it("a reused idempotency key in a shared transaction fails that request only", async () => {
    const { project, key } = await setup();
    const first = await postAndLook(key, sampleEvent("PUSH_ARTIFACT"), { "idempotency-key": "shared-key" });
    expect(first.status).toBe(202);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 5 === 0
          ? postAndLook(
              key,
              { ...sampleEvent("PUSH_ARTIFACT"), operator: `other-${i}` },
              { "idempotency-key": "shared-key" },
            )
          : postAndLook(key, { ...sampleEvent("PUSH_ARTIFACT"), operator: `ok-${i}` }),
      ),
    );
    for (const [i, a] of answers.entries()) {
      if (i % 5 === 0) {
        expect(a.status).toBe(422);
        expect(a.json).toMatchObject({ error: { code: "idempotency_key_reused", field: "Idempotency-Key" } });
      } else {
        expect(a.status).toBe(202);
        expect(a.row?.operator).toBe(`ok-${i}`);
      }
    }
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1 + 16);
  });

  it("one idempotency key twice in one commit: one event; the same body is its duplicate, another body refused", async () => {
    const { project } = await setup();
    const event = sampleEvent("PUSH_ARTIFACT");
    const send = (operator: string, bodyHash: string) =>
      ingestEvent({
        projectId: project.id,
        event: { ...event, operator },
        source: "api",
        idempotencyKey: "api:twice",
        bodyHash,
      });
    const [a, b, c] = await Promise.allSettled([send("x", "hash-1"), send("x", "hash-1"), send("y", "hash-2")]);
    expect(a.status === "fulfilled" && a.value).toMatchObject({ status: "accepted", duplicate: false, deliveries: 1 });
    const first = a.status === "fulfilled" && a.value.status === "accepted" ? a.value.eventId : -1;
    expect(b.status === "fulfilled" && b.value).toEqual({
      status: "accepted",
      eventId: first,
      deliveries: 1,
      duplicate: true,
    });
    expect(c.status === "rejected" && (c.reason as { code?: string }).code).toBe("idempotency_key_reused");
    const db = await getDb();
    expect(await db.event.count({ where: { projectId: project.id } })).toBe(1);
  });

  it("an event the database refuses fails alone: the others of its transaction are written again and answered", async () => {
    const { project } = await setup();
    const write = (projectId: number, operator: string): EventWrite => ({
      projectId,
      type: "PUSH_ARTIFACT",
      occurAt: 1_700_000_000,
      operator,
      eventData: "{}",
      source: "api",
      search: { repository: null, tag: null, digest: null },
      deliveries: [],
      trigger: "EVENT",
    });
    const before = { ...groupCommitStats };
    // Called in one turn of the event loop, so the three share one transaction; the second names
    // a project that does not exist (a foreign key the database refuses).
    const [a, b, c] = await Promise.all([
      commitEvents([write(project.id, "a")]),
      commitEvents([write(2_000_000_000, "b")]),
      commitEvents([write(project.id, "c")]),
    ]);
    expect(groupCommitStats.fallbacks - before.fallbacks).toBe(1);
    expect(a[0].ok && c[0].ok).toBe(true);
    expect(b[0].ok).toBe(false);
    const db = await getDb();
    const stored = await db.event.findMany({ where: { projectId: project.id }, select: { operator: true } });
    expect(stored.map((e) => e.operator).sort()).toEqual(["a", "c"]);
  });
});
