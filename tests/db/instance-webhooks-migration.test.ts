// The migration that lets a webhook policy be instance-wide
// (prisma/{,postgres/}migrations/20261202470000_instance_webhooks) keeps what was written before it:
// a database built up to the migration before it, with a project's policy, its targets, signing key
// and history, is migrated with the migration's own SQL; the policy stays the project's, its
// history reads the same, its foreign keys still cascade, and the configuration-version trigger
// that SQLite's table rebuild dropped is back (watching the new pattern too). On SQLite and
// PostgreSQL (TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialect, disconnectDb, getDb } from "@/lib/db/client";
import { rawExecute, rawQuery } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { getExecution } from "@/lib/history/queries";
import { findPolicy } from "@/lib/policies/service";
import { applyMigration, useOwnDatabase } from "../helpers/own-database";

const MIGRATION = "20261202470000_instance_webhooks";
let own: Awaited<ReturnType<typeof useOwnDatabase>>;

beforeAll(async () => {
  own = await useOwnDatabase("instance-webhooks-migration", { before: MIGRATION });
});
afterAll(async () => {
  await own?.dispose();
});

const version = async () =>
  Number(
    (await rawQuery<{ version: unknown }>(Prisma.sql`SELECT "version" FROM "ConfigVersion" WHERE "id" = 1`))[0].version,
  );

/** A project's policy with a target, a signing key and one finished delivery, in the old shape (raw SQL). */
async function seedOldRows() {
  const now = new Date("2026-12-01T10:00:00.000Z");
  await rawExecute(
    Prisma.sql`INSERT INTO "Project" ("name", "public", "createdAt", "updatedAt") VALUES ('old-project', FALSE, ${now}, ${now})`,
  );
  const [project] = await rawQuery<{ id: unknown }>(
    Prisma.sql`SELECT "id" FROM "Project" WHERE "name" = 'old-project'`,
  );
  const projectId = Number(project.id);
  await rawExecute(Prisma.sql`INSERT INTO "WebhookPolicy" ("publicId", "projectId", "name", "eventTypes", "repoPattern", "updatedAt")
    VALUES ('pol_old', ${projectId}, 'old policy', '["PUSH_ARTIFACT"]', 'library/**', ${now})`);
  const [policy] = await rawQuery<{ id: unknown }>(
    Prisma.sql`SELECT "id" FROM "WebhookPolicy" WHERE "publicId" = 'pol_old'`,
  );
  const policyId = Number(policy.id);
  await rawExecute(Prisma.sql`INSERT INTO "WebhookTarget" ("policyId", "type", "address", "updatedAt")
    VALUES (${policyId}, 'http', 'http://127.0.0.1:9/old', ${now})`);
  const [target] = await rawQuery<{ id: unknown }>(
    Prisma.sql`SELECT "id" FROM "WebhookTarget" WHERE "policyId" = ${policyId}`,
  );
  const targetId = Number(target.id);
  await rawExecute(Prisma.sql`INSERT INTO "SigningKey" ("policyId", "secretEnc") VALUES (${policyId}, 'enc')`);
  await rawExecute(Prisma.sql`INSERT INTO "Event" ("projectId", "type", "occurAt", "eventData", "requestId", "source")
    VALUES (${projectId}, 'PUSH_ARTIFACT', 1, '{}', 'req-old', 'api')`);
  const [event] = await rawQuery<{ id: unknown }>(Prisma.sql`SELECT "id" FROM "Event" WHERE "requestId" = 'req-old'`);
  await rawExecute(Prisma.sql`INSERT INTO "Execution" ("policyId", "targetId", "eventId", "vendorType", "eventType", "status", "startTime", "endTime")
    VALUES (${policyId}, ${targetId}, ${Number(event.id)}, 'WEBHOOK', 'PUSH_ARTIFACT', 'Success', ${now}, ${now})`);
  const [execution] = await rawQuery<{ id: unknown }>(
    Prisma.sql`SELECT "id" FROM "Execution" WHERE "policyId" = ${policyId}`,
  );
  await rawExecute(Prisma.sql`INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "status", "maxAttempts", "updatedAt")
    VALUES (${Number(execution.id)}, ${policyId}, ${targetId}, 'msg_old', 'Success', 3, ${now})`);
  return { projectId, policyId, targetId, executionId: Number(execution.id) };
}

describe(`migration ${MIGRATION}`, () => {
  it("keeps a project's policies and their history, and brings the configuration trigger back", async () => {
    const old = await seedOldRows();
    if (dialect() === "sqlite") await disconnectDb(); // no client keeps statements prepared on the old table
    await applyMigration(own.env, MIGRATION, { andLater: true });

    const policy = await findPolicy(old.projectId, old.policyId);
    expect(policy).toMatchObject({
      projectId: old.projectId,
      projectPattern: null,
      name: "old policy",
      repoPattern: "library/**",
      targets: [{ id: old.targetId, address: "http://127.0.0.1:9/old" }],
    });
    expect(await findPolicy(null, old.policyId)).toBeNull();
    const execution = await getExecution(old.policyId, old.executionId);
    expect(execution).toMatchObject({
      status: "Success",
      event: { projectId: old.projectId },
      tasks: [{ webhookId: "msg_old" }],
    });

    // The trigger is back: inserting, changing a pattern and deleting bump the version.
    const db = await getDb();
    const v0 = await version();
    const instance = await db.webhookPolicy.create({
      data: { publicId: "pol_instance", name: "everywhere", eventTypes: '["PUSH_ARTIFACT"]', projectPattern: "old-*" },
    });
    const v1 = await version();
    expect(v1).toBeGreaterThan(v0);
    await db.webhookPolicy.update({ where: { id: instance.id }, data: { projectPattern: "other-*" } });
    const v2 = await version();
    expect(v2).toBeGreaterThan(v1);

    // Ingest reaches the old policy as before (its repository filter still applies).
    const result = await ingestEvent({ projectId: old.projectId, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    expect(result).toMatchObject({ status: "accepted" });

    // Foreign keys to the rebuilt table still cascade: deleting the old policy takes its rows along.
    await db.webhookPolicy.delete({ where: { id: old.policyId } });
    expect(await version()).toBeGreaterThan(v2);
    expect(await db.webhookTarget.count({ where: { policyId: old.policyId } })).toBe(0);
    expect(await db.signingKey.count({ where: { policyId: old.policyId } })).toBe(0);
    expect(await db.execution.count({ where: { policyId: old.policyId } })).toBe(0);
  });
});
