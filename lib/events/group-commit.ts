import crypto from "node:crypto";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/config/env";
import { dialect } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { rawTransaction, type RawRunner } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { notifyWorkers } from "@/lib/db/wakeup";
import { enqueueNew } from "@/lib/delivery/task-state";
import { joinGroups, type GroupedDelivery, type GroupingKeys } from "@/lib/delivery/grouping";
import { newMessageId } from "@/lib/ids";

/** One event ready to store: its row and its deliveries (targets already matched). */
export type EventWrite = {
  /** null: an event that outlives its project (PROJECT_DELETED) */
  projectId: number | null;
  type: string;
  occurAt: number;
  operator: string;
  eventData: string;
  requestId?: string;
  source: string;
  idempotencyKey?: string;
  bodyHash?: string;
  search: { repository: string | null; tag: string | null; digest: string | null };
  /** The ingest span's traceparent while tracing is on (lib/events/ingest-trace.ts). */
  traceContext?: string;
  /** groupWindowMs: the policy's grouping window (null: a task of its own, due now) */
  deliveries: {
    policyId: number;
    targetId: number;
    vendorType: string;
    maxAttempts: number;
    groupWindowMs?: number | null;
  }[];
  trigger: string;
  /** What the event is grouped by (null: never grouped) */
  grouping?: GroupingKeys | null;
};

export type StoredEvent = { eventId: number; deliveries: number; duplicate: boolean };
export type WriteOutcome = { ok: true; stored: StoredEvent } | { ok: false; error: unknown };

/**
 * Rows one transaction writes at most (events plus deliveries). On SQLite a transaction runs
 * without a break (the driver is synchronous): this bounds how long other requests wait for it.
 */
export const MAX_ROWS_PER_COMMIT = 2_000;

type Unit = { writes: EventWrite[]; done: (outcomes: WriteOutcome[]) => void };

/** Counters of this process's commits (how much sharing happens; read by tests and benchmarks). */
export const groupCommitStats = { transactions: 0, events: 0, fallbacks: 0 };

const queue: Unit[] = [];
/** Commits under way in this process, and the requests (units) they hold. */
let committing = 0;
let committingUnits = 0;

/**
 * Commits at most under way at once. SQLite has one writer (a second transaction would only wait
 * for the first); PostgreSQL commits on several pooled connections side by side, so a commit that
 * waits for the server (statement round trips, the WAL flush) does not hold every other request.
 */
function maxCommitting(): number {
  return dialect() === "postgresql" ? Math.max(1, Math.floor(env().DB_POOL_SIZE / 2)) : 1;
}
let scheduled = false;

/**
 * Stores events, answering once the transaction that holds them has committed. Concurrent callers
 * share transactions (group commit): units that arrive while a commit is under way, or within the
 * same turn of the event loop, are written together. A unit (one request's events) is never split
 * across transactions. When a shared transaction fails, each event is written again in one of
 * its own, so one bad event never fails the others. An idempotency key already used with another
 * body fails its own event only.
 */
export function commitEvents(writes: EventWrite[]): Promise<WriteOutcome[]> {
  if (writes.length === 0) return Promise.resolve([]);
  return new Promise((done) => {
    queue.push({ writes, done });
    schedule();
  });
}

/**
 * How long events are collected before a commit while other requests are on their way (read, not
 * yet answered). On SQLite a commit finishes within the turn of the event loop that starts it, so
 * without a wait each of them would commit alone; a lone request commits at once.
 */
export const COLLECT_MS = 1;
let expected = 0;

/**
 * Announces a request that will probably commit events (called when it arrives); answers the
 * function to call once it is answered.
 */
export function expectCommit(): () => void {
  expected += 1;
  let left = false;
  return () => {
    if (!left) expected -= 1;
    left = true;
  };
}

function schedule() {
  if (committing >= maxCommitting() || scheduled || queue.length === 0) return;
  scheduled = true;
  const run = () => {
    scheduled = false;
    void flush();
  };
  // The requests read in this turn of the event loop join in any case; a moment more lets the
  // others under way join too.
  if (expected > queue.length + committingUnits) setTimeout(run, COLLECT_MS);
  else setImmediate(run);
}

const rowsOf = (u: Unit) => u.writes.reduce((n, w) => n + 1 + w.deliveries.length, 0);

async function flush() {
  committing += 1;
  const batch: Unit[] = [];
  let rows = 0;
  while (queue.length > 0 && (batch.length === 0 || rows + rowsOf(queue[0]) <= MAX_ROWS_PER_COMMIT)) {
    const unit = queue.shift()!;
    rows += rowsOf(unit);
    batch.push(unit);
  }
  committingUnits += batch.length;
  let results: WriteOutcome[][] = [];
  try {
    try {
      const flat = await rawTransaction((tx) =>
        writeAll(
          tx,
          batch.flatMap((u) => u.writes),
        ),
      );
      let at = 0;
      results = batch.map((u) => flat.slice(at, (at += u.writes.length)));
      groupCommitStats.transactions += 1;
      groupCommitStats.events += batch.reduce((n, u) => n + u.writes.length, 0);
    } catch {
      groupCommitStats.fallbacks += 1;
      results = [];
      for (const unit of batch) results.push(await writeEachAlone(unit.writes));
    }
    if (results.some((r) => r.some((o) => o.ok && o.stored.deliveries > 0 && !o.stored.duplicate))) {
      await notifyWorkers().catch(() => undefined);
    }
  } finally {
    // Every caller is answered, whatever happened above.
    batch.forEach((unit, i) =>
      unit.done(results[i] ?? unit.writes.map(() => ({ ok: false, error: new Error("the events were not stored") }))),
    );
    committing -= 1;
    committingUnits -= batch.length;
    schedule();
  }
}

/** The events of a failed shared transaction, each in a transaction of its own. */
async function writeEachAlone(writes: EventWrite[]): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  for (const w of writes) {
    try {
      outcomes.push(await rawTransaction((tx) => writeEvent(tx, w)));
    } catch (err) {
      // A concurrent request (another process) committed the same idempotency key first: the
      // second try finds that event and answers it as a duplicate.
      if (w.idempotencyKey && isUniqueViolation(err)) {
        try {
          outcomes.push(await rawTransaction((tx) => writeEvent(tx, w)));
          continue;
        } catch (again) {
          err = again;
        }
      }
      outcomes.push({ ok: false, error: err });
    }
  }
  return outcomes;
}

/** Rows per multi-row statement: well within both databases' limits on bound parameters. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Seen = { id: number; bodyHash: string | null; deliveries: number };

/** An idempotency key's outcome, given what is stored (or written earlier in this transaction) under it. */
function outcomeOfSeen(w: EventWrite, seen: Seen): WriteOutcome {
  // Events stored before body hashes were kept have none: they answer as duplicates, as before.
  if (w.bodyHash && seen.bodyHash && seen.bodyHash !== w.bodyHash) return { ok: false, error: keyReused() };
  return { ok: true, stored: { eventId: seen.id, deliveries: seen.deliveries, duplicate: true } };
}

function keyReused() {
  return new AppError(
    "idempotency_key_reused",
    "this Idempotency-Key was already used with a different request body; use a new key for a new event",
    "Idempotency-Key",
  );
}

/**
 * A commit's events with a few multi-row statements instead of a few per event: one lookup of the
 * idempotency keys, then the events, their executions and their tasks. Event ids come from one
 * sequence (or SQLite's rowid) in the order of the VALUES rows, so the returned ids, sorted, are
 * the events in order; executions are matched to their event and target by id.
 */
async function writeAll(tx: RawRunner, writes: EventWrite[]): Promise<WriteOutcome[]> {
  const outcomes: (WriteOutcome | undefined)[] = new Array(writes.length);
  const seen = new Map<string, Seen>();
  const keyOf = (projectId: number | null, key: string) => `${projectId}\u0000${key}`;
  const keyed = writes.filter((w) => w.idempotencyKey);
  if (keyed.length > 0) {
    // Keys are per project; an event without a project (PROJECT_DELETED) is never sent with one.
    const projects = [...new Set(keyed.map((w) => w.projectId ?? 0))];
    for (const part of chunks([...new Set(keyed.map((w) => w.idempotencyKey!))])) {
      const rows = await tx.query<{
        id: unknown;
        projectId: unknown;
        idempotencyKey: string;
        bodyHash: string | null;
        executions: unknown;
      }>(Prisma.sql`
        SELECT e."id", e."projectId", e."idempotencyKey", e."bodyHash", (SELECT COUNT(*) FROM "Execution" x WHERE x."eventId" = e."id") AS "executions"
        FROM "Event" e WHERE e."projectId" IN (${Prisma.join(projects)}) AND e."idempotencyKey" IN (${Prisma.join(part)})`);
      for (const r of rows)
        seen.set(keyOf(Number(r.projectId), r.idempotencyKey), {
          id: Number(r.id),
          bodyHash: r.bodyHash,
          deliveries: Number(r.executions),
        });
    }
  }
  // Which writes are new: a key seen before (stored, or earlier in this commit) answers the first event.
  const fresh: number[] = [];
  const firstOfKey = new Map<string, number>();
  writes.forEach((w, i) => {
    if (!w.idempotencyKey) return void fresh.push(i);
    const k = keyOf(w.projectId, w.idempotencyKey);
    const stored = seen.get(k);
    if (stored) return void (outcomes[i] = outcomeOfSeen(w, stored));
    const earlier = firstOfKey.get(k);
    if (earlier !== undefined) return; // answered once the earlier one has its id
    firstOfKey.set(k, i);
    fresh.push(i);
  });
  const now = new Date();
  const eventIds = new Map<number, number>();
  for (const part of chunks(fresh)) {
    const rows = await tx.query<{ id: unknown }>(Prisma.sql`
      INSERT INTO "Event" ("projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "idempotencyKey", "bodyHash", "repository", "tag", "digest", "traceContext", "createdAt")
      VALUES ${Prisma.join(
        part.map((i) => {
          const w = writes[i];
          return Prisma.sql`(${w.projectId}, ${w.type}, ${w.occurAt}, ${w.operator}, ${w.eventData}, ${w.requestId ?? crypto.randomUUID()},
            ${w.source}, ${w.idempotencyKey ?? null}, ${w.bodyHash ?? null}, ${w.search.repository}, ${w.search.tag}, ${w.search.digest}, ${w.traceContext ?? null}, ${now})`;
        }),
      )}
      RETURNING "id"`);
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (ids.length !== part.length) throw new Error(`inserted ${ids.length} events for ${part.length}`);
    part.forEach((i, n) => eventIds.set(i, ids[n]));
  }
  const deliveries = fresh.flatMap((i) => ungrouped(writes[i]).map((d) => ({ i, d })));
  const executionOf = new Map<string, number>();
  for (const part of chunks(deliveries)) {
    const rows = await tx.query<{ id: unknown; eventId: unknown; targetId: unknown }>(Prisma.sql`
      INSERT INTO "Execution" ("policyId", "targetId", "eventId", "eventType", "vendorType", "trigger", "startTime")
      VALUES ${Prisma.join(part.map(({ i, d }) => Prisma.sql`(${d.policyId}, ${d.targetId}, ${eventIds.get(i)!}, ${writes[i].type}, ${d.vendorType}, ${writes[i].trigger}, ${now})`))}
      RETURNING "id", "eventId", "targetId"`);
    // (policy, target) pairs are unique within an event, so event and target find each execution.
    for (const r of rows) executionOf.set(`${Number(r.eventId)}:${Number(r.targetId)}`, Number(r.id));
  }
  for (const part of chunks(deliveries)) {
    await enqueueNew(
      tx,
      part.map(({ i, d }) => ({
        executionId: executionOf.get(`${eventIds.get(i)!}:${d.targetId}`)!,
        policyId: d.policyId,
        targetId: d.targetId,
        webhookId: newMessageId(),
        maxAttempts: d.maxAttempts,
      })),
      now,
    );
  }
  await joinGroups(
    tx,
    fresh.flatMap((i) => grouped(writes[i], eventIds.get(i)!)),
    now,
  );
  for (const i of fresh) {
    const w = writes[i];
    outcomes[i] = {
      ok: true,
      stored: { eventId: eventIds.get(i)!, deliveries: w.deliveries.length, duplicate: false },
    };
    if (w.idempotencyKey)
      seen.set(keyOf(w.projectId, w.idempotencyKey), {
        id: eventIds.get(i)!,
        bodyHash: w.bodyHash ?? null,
        deliveries: w.deliveries.length,
      });
  }
  // Repeats of a key first written in this commit.
  return writes.map((w, i) => outcomes[i] ?? outcomeOfSeen(w, seen.get(keyOf(w.projectId, w.idempotencyKey!))!));
}

/**
 * One event and its executions and tasks (a commit's events one by one, after a shared commit failed). A refused idempotency key is this event's outcome
 * (nothing of it was written); any other error fails the transaction.
 */
async function writeEvent(tx: RawRunner, w: EventWrite): Promise<WriteOutcome> {
  if (w.idempotencyKey) {
    const [seen] = await tx.query<{ id: unknown; bodyHash: string | null; executions: unknown }>(Prisma.sql`
      SELECT e."id", e."bodyHash", (SELECT COUNT(*) FROM "Execution" x WHERE x."eventId" = e."id") AS "executions"
      FROM "Event" e WHERE e."projectId" = ${w.projectId} AND e."idempotencyKey" = ${w.idempotencyKey}`);
    // Events stored before body hashes were kept have none: they answer as duplicates, as before.
    if (seen && w.bodyHash && seen.bodyHash && seen.bodyHash !== w.bodyHash) {
      return { ok: false, error: keyReused() };
    }
    if (seen) {
      return {
        ok: true,
        stored: { eventId: Number(seen.id), deliveries: Number(seen.executions), duplicate: true },
      };
    }
  }
  const now = new Date();
  const [event] = await tx.query<{ id: unknown }>(Prisma.sql`
    INSERT INTO "Event" ("projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "idempotencyKey", "bodyHash", "repository", "tag", "digest", "traceContext", "createdAt")
    VALUES (${w.projectId}, ${w.type}, ${w.occurAt}, ${w.operator}, ${w.eventData}, ${w.requestId ?? crypto.randomUUID()},
      ${w.source}, ${w.idempotencyKey ?? null}, ${w.bodyHash ?? null}, ${w.search.repository}, ${w.search.tag}, ${w.search.digest}, ${w.traceContext ?? null}, ${now})
    RETURNING "id"`);
  const eventId = Number(event.id);
  const direct = ungrouped(w);
  if (direct.length > 0) {
    const executions = await tx.query<{ id: unknown; targetId: unknown }>(Prisma.sql`
      INSERT INTO "Execution" ("policyId", "targetId", "eventId", "eventType", "vendorType", "trigger", "startTime")
      VALUES ${Prisma.join(direct.map((d) => Prisma.sql`(${d.policyId}, ${d.targetId}, ${eventId}, ${w.type}, ${d.vendorType}, ${w.trigger}, ${now})`))}
      RETURNING "id", "targetId"`);
    // (policy, target) pairs are unique within an event, so the target id finds each execution.
    const executionOf = new Map(executions.map((e) => [Number(e.targetId), Number(e.id)]));
    await enqueueNew(
      tx,
      direct.map((d) => ({
        executionId: executionOf.get(d.targetId)!,
        policyId: d.policyId,
        targetId: d.targetId,
        webhookId: newMessageId(),
        maxAttempts: d.maxAttempts,
      })),
      now,
    );
  }
  await joinGroups(tx, grouped(w, eventId), now);
  return { ok: true, stored: { eventId, deliveries: w.deliveries.length, duplicate: false } };
}

/** The deliveries that get a task of their own, due now. */
function ungrouped(w: EventWrite): EventWrite["deliveries"] {
  return w.grouping ? w.deliveries.filter((d) => !d.groupWindowMs) : w.deliveries;
}

/** The deliveries that go into a group (their policy has a grouping window). */
function grouped(w: EventWrite, eventId: number): GroupedDelivery[] {
  const keys = w.grouping;
  if (!keys) return [];
  return w.deliveries
    .filter((d) => d.groupWindowMs)
    .map((d) => ({ ...d, eventId, type: w.type, trigger: w.trigger, keys, windowMs: d.groupWindowMs! }));
}
