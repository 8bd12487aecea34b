// Bulk seeding in SQL (INSERT … SELECT over a generated series, one transaction per table), for the
// benchmarks that need a large history or backlog: hundreds of thousands of rows in seconds,
// where ingesting them event by event would take minutes. The rows have the shape ingestEvent
// writes (lib/events/ingest.ts).
import { dialect, getDb } from "../../lib/db/client";
import { sampleEvent } from "../../lib/events/samples";

/** An SQL timestamp `secondsAgo` (an SQL expression) before now, in the form each dialect stores. */
function tsAgo(secondsAgo: string): string {
  return dialect() === "postgresql"
    ? `(CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP(3)) - (${secondsAgo}) * interval '1 second')`
    : `(strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || CAST((${secondsAgo}) AS TEXT) || ' seconds') || '+00:00')`;
}

/** `s(i)`: the integers 1…n. */
const series = (n: number) =>
  dialect() === "postgresql"
    ? `WITH s(i) AS (SELECT generate_series(1, ${Math.floor(n)}))`
    : `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${Math.floor(n)})`;

async function run(sql: string) {
  const db = await getDb();
  await db.$executeRawUnsafe(sql);
}

/** `count` events of one project (the sample PUSH_ARTIFACT payload), one a millisecond up to now; returns the first id. */
export async function seedEvents(projectId: number, count: number): Promise<number> {
  const db = await getDb();
  const sample = sampleEvent("PUSH_ARTIFACT");
  const data = JSON.stringify(sample.event_data).replace(/'/g, "''");
  const before = await db.event.aggregate({ _max: { id: true } });
  await run(`${series(count)}
    INSERT INTO "Event" ("projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "createdAt")
    SELECT ${projectId}, 'PUSH_ARTIFACT', ${sample.occur_at}, '${sample.operator.replace(/'/g, "''")}', '${data}', 'seed-' || CAST(i AS TEXT), 'api', ${tsAgo(`(${count} - i) * 0.001`)}
    FROM s ORDER BY i`);
  return (before._max.id ?? 0) + 1;
}

/**
 * A backlog after an outage: for each of `events` events, one Pending task per target of the
 * project's policies (executions Pending too), all due now.
 */
export async function seedBacklog(projectId: number, events: number) {
  const first = await seedEvents(projectId, events);
  await run(`
    INSERT INTO "Execution" ("policyId", "targetId", "eventId", "vendorType", "eventType", "status", "trigger", "startTime")
    SELECT w."policyId", w."id", e."id", 'WEBHOOK', 'PUSH_ARTIFACT', 'Pending', 'EVENT', e."createdAt"
    FROM "Event" e CROSS JOIN "WebhookTarget" w JOIN "WebhookPolicy" p ON p."id" = w."policyId"
    WHERE e."projectId" = ${projectId} AND e."id" >= ${first} AND p."projectId" = ${projectId}
    ORDER BY e."id", w."id"`);
  await insertTasks(`x."eventId" >= ${first}`, "Pending");
  await run(`
    INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt")
    SELECT t."id", t."targetId", ${Date.now()} FROM "Task" t WHERE t."status" = 'Pending'
    ON CONFLICT ("taskId") DO NOTHING`);
}

async function insertTasks(where: string, status: "Pending" | "from-execution") {
  const st = status === "Pending" ? `'Pending'` : `x."status"`;
  const end = status === "Pending" ? "NULL" : `x."endTime"`;
  const runs = status === "Pending" ? "0" : "1";
  await run(`
    INSERT INTO "Task" ("executionId", "policyId", "targetId", "webhookId", "status", "runCount", "maxAttempts", "nextAttemptAt", "createdAt", "updatedAt", "startTime", "endTime")
    SELECT x."id", x."policyId", x."targetId", 'msg_seed' || CAST(x."id" AS TEXT), ${st}, ${runs}, 3, x."startTime", x."startTime", x."startTime", ${status === "Pending" ? "NULL" : `x."startTime"`}, ${end}
    FROM "Execution" x WHERE ${where} ORDER BY x."id"`);
}

/**
 * A delivery history of `total` finished tasks (one execution each) over the given policies, one
 * a second up to now: nine in ten on the first policy, the rest round-robin over the others.
 * Events are shared between executions (`events` of them) to keep the seed small: history
 * queries read an event by its id only. The newest `detailed` tasks get an attempt and three log
 * lines each. Every 50th execution failed.
 */
export async function seedHistory(opts: {
  projectId: number;
  policies: { policyId: number; targetId: number }[];
  total: number;
  events: number;
  detailed: number;
}) {
  const { projectId, policies, total } = opts;
  const firstEvent = await seedEvents(projectId, opts.events);
  const others = policies.length - 1;
  const policyCase = (idx: string) =>
    `CASE ${idx} ${policies.map((p, i) => `WHEN ${i} THEN ${p.policyId}`).join(" ")} END`;
  const targetCase = (idx: string) =>
    `CASE ${idx} ${policies.map((p, i) => `WHEN ${i} THEN ${p.targetId}`).join(" ")} END`;
  const idx = `(CASE WHEN i % 10 <> 0 THEN 0 ELSE 1 + ((i / 10) % ${others}) END)`;
  const mainTotal = total - Math.floor(total / 10);
  const chunk = 250_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk);
    await run(`${series(to - from)}
      INSERT INTO "Execution" ("policyId", "targetId", "eventId", "vendorType", "eventType", "status", "statusMessage", "trigger", "startTime", "endTime")
      SELECT ${policyCase(idx)}, ${targetCase(idx)}, ${firstEvent} + (i % ${opts.events}), 'WEBHOOK', 'PUSH_ARTIFACT',
        CASE WHEN i % 50 = 0 THEN 'Error' ELSE 'Success' END,
        CASE WHEN i % 50 = 0 THEN 'response code 500 (gave up after 3 attempts)' ELSE '' END,
        'EVENT', ${tsAgo(`${total} - i`)}, ${tsAgo(`${total} - i - 0.05`)}
      FROM (SELECT i + ${from} AS i FROM s) n ORDER BY i`);
  }
  await insertTasks("1 = 1", "from-execution");
  const db = await getDb();
  const newest = (await db.task.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const detailFrom = newest - opts.detailed + 1;
  await run(`
    INSERT INTO "Attempt" ("taskId", "number", "startedAt", "durationMs", "responseStatus", "responseExcerpt", "requestHeaders")
    SELECT t."id", 1, t."startTime", 12, CASE WHEN t."status" = 'Error' THEN 500 ELSE 200 END, 'ok',
      '{"Content-Type":"application/json","User-Agent":"HarborNotifier/0.1.0","webhook-id":"' || t."webhookId" || '"}'
    FROM "Task" t WHERE t."id" >= ${detailFrom}`);
  for (const [n, level, message] of [
    [0, "INFO", "'start to run webhook job (attempt 1 of 3)'"],
    [1, "INFO", `'POST http://127.0.0.1:9/hook (application/json, 612 bytes, webhook-id ' || t."webhookId" || ')'`],
    [2, "INFO", "'success to run webhook job: response code 200, response body: ok'"],
  ] as const) {
    await run(
      `INSERT INTO "TaskLog" ("taskId", "at", "level", "message") SELECT t."id", t."startTime", '${level}', ${message} FROM "Task" t WHERE t."id" >= ${detailFrom} ORDER BY t."id"`,
    );
    void n;
  }
  return { mainTotal };
}

/** Fresh planner statistics (and, on PostgreSQL, the visibility map index-only scans rely on), as autovacuum would leave them. */
export async function analyze() {
  const db = await getDb();
  if (dialect() === "postgresql") {
    for (const t of ["Event", "Execution", "Task", "Attempt", "TaskLog"])
      await db.$executeRawUnsafe(`VACUUM ANALYZE "${t}"`);
  } else {
    await db.$executeRawUnsafe("ANALYZE");
  }
}
