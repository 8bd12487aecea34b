/**
 * Grouping windows: a policy with `groupingWindowSeconds` sends the events of one type and
 * repository that arrive within the window as one delivery, its `event_data.resources` listing
 * every event's resources. The first event of a group gets a task due when the window closes; the
 * later ones join it as members (GroupMember) in their own ingest transaction, so a group is as
 * durable as any task. An exact duplicate (same type, operator and resources) joins once.
 *
 * A group is open while its task waits for its first attempt: not leased, not yet due, never run.
 * Joining locks the task's queue row (PostgreSQL), and the worker's claim skips locked rows: a
 * member is committed before the claim that sends the group, or it opens a group of its own.
 */
import crypto from "node:crypto";
import { dialect } from "@/lib/db/client";
import type { RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { enqueueNew } from "@/lib/delivery/task-state";
import { newMessageId } from "@/lib/ids";
import type { HarborEvent } from "@/lib/shared/events";

export type GroupingKeys = { groupKey: string; sameKey: string };

const resourcesOf = (data: unknown): unknown[] => {
  const list = (data as { resources?: unknown } | null)?.resources;
  return Array.isArray(list) ? list : [];
};

/** What an event shares with the others of its group, and with its exact duplicates; null: not groupable. */
export function groupingKeys(event: HarborEvent): GroupingKeys | null {
  const data = event.event_data as { repository?: { repo_full_name?: unknown } };
  const repository = data?.repository?.repo_full_name;
  if (typeof repository !== "string" || repository === "") return null;
  const same = JSON.stringify([event.type, event.operator, resourcesOf(event.event_data)]);
  return {
    groupKey: `${event.type}\n${repository}`,
    sameKey: crypto.createHash("sha256").update(same).digest("hex"),
  };
}

/** One grouped delivery of a stored event. */
export type GroupedDelivery = {
  eventId: number;
  type: string;
  trigger: string;
  keys: GroupingKeys;
  policyId: number;
  targetId: number;
  vendorType: string;
  maxAttempts: number;
  windowMs: number;
};

/**
 * Adds each delivery to its target's open group of the same key, or opens a group (execution and
 * task, due at the window's end) with it; in the caller's transaction, in order, so events of one
 * commit group together too.
 */
export async function joinGroups(tx: RawRunner, deliveries: GroupedDelivery[], now: Date): Promise<void> {
  if (deliveries.length === 0) return;
  const postgres = dialect() === "postgresql";
  const lock = postgres ? Prisma.sql`FOR UPDATE OF q` : Prisma.empty;
  // By group, then in arrival order: the first event of a group in this commit opens it.
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const ordered = [...deliveries].sort(
    (a, b) => a.targetId - b.targetId || byText(a.keys.groupKey, b.keys.groupKey) || a.eventId - b.eventId,
  );
  if (postgres) {
    // Concurrent commits of one group wait for each other (SQLite has one writer already), so a
    // burst makes one group, not one per transaction; taken in one order, so they cannot deadlock.
    const seen = new Set<string>();
    for (const d of ordered) {
      const key = `${d.targetId}\n${d.keys.groupKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await tx.query(Prisma.sql`SELECT pg_advisory_xact_lock(${d.targetId}::int, hashtext(${d.keys.groupKey}))`);
    }
  }
  for (const d of ordered) {
    const [open] = await tx.query<{ taskId: unknown }>(Prisma.sql`
      SELECT g."taskId" FROM "GroupMember" g
      JOIN "QueueItem" q ON q."taskId" = g."taskId"
      JOIN "Task" t ON t."id" = g."taskId"
      WHERE g."targetId" = ${d.targetId} AND g."groupKey" = ${d.keys.groupKey}
        AND q."leaseOwner" IS NULL AND q."dueAt" > ${now.getTime()} AND t."runCount" = 0
      ORDER BY g."taskId" LIMIT 1 ${lock}`);
    if (open) {
      const taskId = Number(open.taskId);
      const [dup] = await tx.query(Prisma.sql`
        SELECT 1 AS "x" FROM "GroupMember" WHERE "taskId" = ${taskId} AND "sameKey" = ${d.keys.sameKey}`);
      if (!dup) await addMember(tx, taskId, d);
      continue;
    }
    const [execution] = await tx.query<{ id: unknown }>(Prisma.sql`
      INSERT INTO "Execution" ("policyId", "targetId", "eventId", "eventType", "vendorType", "trigger", "startTime")
      VALUES (${d.policyId}, ${d.targetId}, ${d.eventId}, ${d.type}, ${d.vendorType}, ${d.trigger}, ${now})
      RETURNING "id"`);
    const [taskId] = await enqueueNew(
      tx,
      [
        {
          executionId: Number(execution.id),
          policyId: d.policyId,
          targetId: d.targetId,
          webhookId: newMessageId(),
          maxAttempts: d.maxAttempts,
          dueAt: new Date(now.getTime() + d.windowMs),
        },
      ],
      now,
    );
    await addMember(tx, taskId, d);
  }
}

async function addMember(tx: RawRunner, taskId: number, d: GroupedDelivery) {
  await tx.execute(Prisma.sql`
    INSERT INTO "GroupMember" ("taskId", "eventId", "targetId", "groupKey", "sameKey")
    VALUES (${taskId}, ${d.eventId}, ${d.targetId}, ${d.keys.groupKey}, ${d.keys.sameKey})`);
}

/**
 * The event data a group's delivery sends: its first event's, with the resources of every member
 * (in the order they arrived). `members` holds each member's stored event data, oldest first.
 */
export function mergedEventData(members: string[]): string {
  const [first, ...rest] = members.map((m) => JSON.parse(m) as Record<string, unknown>);
  if (rest.length === 0) return members[0];
  return JSON.stringify({ ...first, resources: [first, ...rest].flatMap((d) => resourcesOf(d)) });
}
