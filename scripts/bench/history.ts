import { dialect, getDb } from "../../lib/db/client";
import { EXACT_COUNT_LIMIT } from "../../lib/history/queries";
import { createPolicy } from "../../lib/policies/service";
import { requireProject } from "../../lib/auth/access";
import { policyInputSchema } from "../../lib/shared/policy-input";
import { signIn, startApp } from "./app";
import { dbLabel, freshDatabase, nowMs, percentile, type DbKind } from "./harness";
import { timeSequential } from "./load";
import { ADMIN, type Row } from "./scenarios";
import { analyze, seedHistory } from "./seed";

export type HistoryResult = { rows: Row[]; evidence: string; missed: boolean };

/** The query plans and in-database timings behind the history pages (evidence for the notes). */
async function explain(policyId: number, repository: string): Promise<{ text: string; countMs: number }> {
  const db = await getDb();
  const pg = dialect() === "postgresql";
  const queries: { what: string; sql: string; plan: boolean }[] = [
    {
      what: "an exact total (what a plain count(*) costs)",
      sql: `SELECT COUNT(*) FROM "Execution" WHERE "policyId" = ${policyId}`,
      plan: true,
    },
    {
      what: `the total as listExecutions takes it: counting stops after ${EXACT_COUNT_LIMIT + 1} rows`,
      sql: `SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Execution" WHERE "policyId" = ${policyId} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS "capped"`,
      plan: false,
    },
    pg
      ? {
          what: "then, beyond the limit, the planner's estimate",
          sql: `EXPLAIN (FORMAT JSON) SELECT 1 FROM "Execution" WHERE "policyId" = ${policyId}`,
          plan: false,
        }
      : {
          what: "then, beyond the limit, the exact count after all (SQLite keeps no estimate)",
          sql: `SELECT COUNT(*) FROM "Execution" WHERE "policyId" = ${policyId}`,
          plan: false,
        },
    {
      what: "a page of executions filtered by repository (listExecutions: the Event (projectId, repository, id) index, then Execution (eventId))",
      sql: `SELECT "id" FROM "Execution" WHERE "policyId" = ${policyId} AND "eventId" IN (SELECT "ev"."id" FROM "Event" "ev" WHERE "ev"."projectId" = (SELECT "pp"."projectId" FROM "WebhookPolicy" "pp" WHERE "pp"."id" = ${policyId}) AND "ev"."repository" = '${repository.replace(/'/g, "''")}') ORDER BY "id" DESC LIMIT 20 OFFSET 0`,
      plan: true,
    },
    {
      what: "the newest 15 executions (listExecutions: findMany)",
      sql: `SELECT * FROM "Execution" WHERE "policyId" = ${policyId} ORDER BY "id" DESC LIMIT 15 OFFSET 0`,
      plan: true,
    },
  ];
  const out: string[] = [];
  let countMs = 0;
  for (const q of queries) {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = nowMs();
      await db.$queryRawUnsafe(q.sql);
      times.push(nowMs() - t);
    }
    const median = percentile(times, 50);
    if (q.what.startsWith("an exact total")) countMs = median;
    const plan = !q.plan
      ? []
      : pg
        ? (await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`)).map(
            (r) => r["QUERY PLAN"],
          )
        : (await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${q.sql}`)).map((r) => r.detail);
    out.push(
      `${q.what}: median ${median.toFixed(1)} ms (from the benchmark process)\n\n\`\`\`\n${q.sql}${plan.length ? `\n${plan.join("\n")}` : ""}\n\`\`\``,
    );
  }
  return { text: out.join("\n\n"), countMs };
}

/**
 * `total` delivery tasks over 100 policies, most on one; then the built app's answers for that
 * policy (server response time on loopback, sequential requests after a warm-up): the executions
 * page of the admin UI, the Harbor API's executions list, and a task log.
 */
export async function history(kind: DbKind, opts: { total: number; requests: number }): Promise<HistoryResult> {
  const cleanup = await freshDatabase(kind);
  try {
    const db = await getDb();
    // History this large needs retention raised to its maximum (the default keeps 1,000 executions a policy).
    await db.systemSettings.update({ where: { id: 1 }, data: { retentionCount: 1_000_000, retentionDays: 30 } });
    const project = await db.project.create({ data: { name: `history-${Date.now()}` } });
    const policies: { policyId: number; targetId: number }[] = [];
    for (let i = 0; i < 100; i++) {
      const { policy } = await createPolicy(
        await requireProject(ADMIN, project.id, "webhook.manage"),
        policyInputSchema.parse({
          name: `h${i}`,
          event_types: ["PUSH_ARTIFACT"],
          targets: [{ type: "http", address: `http://127.0.0.1:9/h${i}` }],
        }),
      );
      policies.push({ policyId: policy.id, targetId: policy.targets[0].id });
    }
    const s0 = nowMs();
    const { mainTotal } = await seedHistory({
      projectId: project.id,
      policies,
      total: opts.total,
      events: 10_000,
      detailed: 50_000,
    });
    // What the event search reads: 100 repositories over the seeded events, one tag and digest each
    // (as lib/events/search-fields.ts extracts them at ingest).
    await db.$executeRawUnsafe(
      `UPDATE "Event" SET "repository" = 'library/repo-' || CAST("id" % 100 AS TEXT), "tag" = 'v' || CAST("id" AS TEXT),
        "digest" = 'sha256:' || CAST("id" AS TEXT) WHERE "projectId" = ${project.id}`,
    );
    await analyze();
    const seededS = (nowMs() - s0) / 1000;
    const main = policies[0].policyId;
    const newest = await db.execution.findFirstOrThrow({
      where: { policyId: main },
      orderBy: { id: "desc" },
      include: { tasks: true },
    });
    const middle = await db.task.findFirstOrThrow({
      where: { policyId: main, id: { lte: Math.floor(newest.tasks[0].id / 2) } },
      orderBy: { id: "desc" },
      include: { execution: { include: { event: true } } },
    });
    const searched = middle.execution.event;
    const small = await db.execution.count({ where: { policyId: policies[1].policyId } });
    const evidence = await explain(main, searched.repository!);

    const app = await startApp();
    try {
      const cookie = await signIn(app.base, "admin", process.env.ADMIN_PASSWORD!);
      const headers = { cookie };
      const api = `/api/v2.0/projects/${project.name}/webhook/policies/${main}`;
      const targets: [string, string][] = [
        ["executions page (UI, signed in)", `/projects/${project.name}/webhooks/${main}`],
        [
          `executions page filtered by repository (UI; ${searched.repository}, 1 in 100 events)`,
          `/projects/${project.name}/webhooks/${main}?repository=${encodeURIComponent(searched.repository!)}`,
        ],
        [
          "executions page filtered by tag (UI; one event)",
          `/projects/${project.name}/webhooks/${main}?tag=${encodeURIComponent(searched.tag!)}`,
        ],
        [
          "executions page filtered by webhook-id (UI; one task)",
          `/projects/${project.name}/webhooks/${main}?webhook_id=${encodeURIComponent(middle.webhookId)}`,
        ],
        [
          "event page (UI; the event's executions across all policies)",
          `/projects/${project.name}/events/${searched.id}`,
        ],
        ["API executions list (page 1, 15 a page)", `${api}/executions?page=1&page_size=15`],
        ["API task log", `${api}/executions/${newest.id}/tasks/${newest.tasks[0].id}/log`],
        [
          `API executions list of a small policy (${small.toLocaleString("en")} executions)`,
          `/api/v2.0/projects/${project.name}/webhook/policies/${policies[1].policyId}/executions?page=1&page_size=15`,
        ],
      ];
      const rows: Row[] = [];
      let missed = false;
      for (const [what, path] of targets) {
        await timeSequential(app.base + path, headers, 5);
        const times = await timeSequential(app.base + path, headers, opts.requests);
        const p50 = percentile(times, 50),
          p95 = percentile(times, 95);
        missed ||= p95 > 100;
        rows.push({
          figure: `History, ${dbLabel(kind)}, ${opts.total.toLocaleString("en")} tasks (${mainTotal.toLocaleString("en")} on the big policy): ${what}`,
          value: `p95 ${p95.toFixed(0)} ms (p50 ${p50.toFixed(0)} ms, ${opts.requests} requests)`,
          baseline:
            what.startsWith("API executions list (") || what.startsWith("executions page")
              ? `an exact count(*) alone: ${evidence.countMs.toFixed(0)} ms`
              : "—",
          target: "p95 ≤ 100 ms",
          pass: p95 <= 100,
        });
      }
      return { rows, missed, evidence: `Seeded in ${seededS.toFixed(0)} s.\n\n${evidence.text}` };
    } finally {
      await app.stop();
    }
  } finally {
    await cleanup();
  }
}
