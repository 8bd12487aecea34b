import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/sql";
import { groupBy, unique } from "@/lib/history/queries";

/**
 * Events of a project, for the event search page and the event page: what happened to one event
 * across every webhook of the project. The caller passes the project id it resolved with access.
 */

export type EventSearch = {
  repository?: string;
  tag?: string;
  digest?: string;
  operator?: string;
  type?: string;
};

/** Totals up to this many are exact; beyond, the page says "more than". */
export const EVENT_COUNT_LIMIT = 10_000;

export type DeliverySummary = { total: number; success: number; error: number; open: number; stopped: number };

/**
 * One page of the project's events, newest first, with each event's delivery summary. Every
 * filter column leads an index with the project, (projectId, column, id), so a filtered page is
 * one index range read backwards; the type filter (and none) walk the newest events of the project.
 */
export async function listEvents(projectId: number, search: EventSearch, opts: { page: number; pageSize: number }) {
  const db = await getDb();
  const conditions = [Prisma.sql`"projectId" = ${projectId}`];
  for (const c of ["repository", "tag", "digest", "operator", "type"] as const)
    if (search[c] !== undefined) conditions.push(Prisma.sql`${Prisma.raw(`"${c}"`)} = ${search[c]}`);
  const where = Prisma.join(conditions, " AND ");
  const [[capped], page] = await Promise.all([
    db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Event" WHERE ${where}
      LIMIT ${EVENT_COUNT_LIMIT + 1}) AS "capped"`,
    db.$queryRaw<{ id: number | bigint }[]>`SELECT "id" FROM "Event" WHERE ${where} ORDER BY "id" DESC
      LIMIT ${opts.pageSize} OFFSET ${(opts.page - 1) * opts.pageSize}`,
  ]);
  const ids = page.map((r) => Number(r.id));
  if (ids.length === 0) return { total: Number(capped.n), items: [] };
  const [rows, counts] = await Promise.all([
    db.event.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        type: true,
        occurAt: true,
        operator: true,
        repository: true,
        tag: true,
        digest: true,
        source: true,
        createdAt: true,
      },
    }),
    db.$queryRaw<{ eventId: number | bigint; status: string; n: number | bigint }[]>`
      SELECT "eventId", "status", COUNT(*) AS "n" FROM "Execution" WHERE "eventId" IN (${Prisma.join(ids)})
      GROUP BY "eventId", "status"`,
  ]);
  const summaries = new Map<number, DeliverySummary>(ids.map((id) => [id, emptySummary()]));
  for (const c of counts) addToSummary(summaries.get(Number(c.eventId))!, c.status, Number(c.n));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total: Number(capped.n),
    items: ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...row, deliveries: summaries.get(id)! }] : [];
    }),
  };
}

const emptySummary = (): DeliverySummary => ({ total: 0, success: 0, error: 0, open: 0, stopped: 0 });

function addToSummary(s: DeliverySummary, status: string, n: number) {
  s.total += n;
  if (status === "Success") s.success += n;
  else if (status === "Error") s.error += n;
  else if (status === "Stopped") s.stopped += n;
  else s.open += n;
}

/**
 * One event of the project (null if it is not the project's) with one page of its executions
 * across all the project's policies (target, tasks and each task's last attempt), and the
 * delivery summary of all of them.
 */
export async function getEventDeliveries(projectId: number, eventId: number, opts: { page: number; pageSize: number }) {
  if (!Number.isSafeInteger(eventId)) return null;
  const db = await getDb();
  const event = await db.event.findFirst({ where: { id: eventId, projectId } });
  if (!event) return null;
  const ofEvent = { eventId: event.id, policy: { projectId } };
  // Flat queries joined here (see executionsWithRelations).
  const [rows, byStatus] = await Promise.all([
    db.execution.findMany({
      where: ofEvent,
      orderBy: { id: "asc" },
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    }),
    db.execution.groupBy({ by: ["status"], where: ofEvent, _count: { _all: true } }),
  ]);
  const deliveries = emptySummary();
  for (const s of byStatus) addToSummary(deliveries, s.status, s._count._all);
  const [policies, targets, tasks] = await Promise.all([
    db.webhookPolicy.findMany({
      where: { id: { in: unique(rows.map((e) => e.policyId)) } },
      select: { id: true, name: true },
    }),
    db.webhookTarget.findMany({
      where: { id: { in: unique(rows.map((e) => e.targetId)) } },
      select: { id: true, type: true, address: true, payloadFormat: true },
    }),
    db.task.findMany({
      where: { executionId: { in: rows.map((e) => e.id) } },
      orderBy: { id: "asc" },
      select: { id: true, executionId: true, webhookId: true, status: true, runCount: true, maxAttempts: true },
    }),
  ]);
  // Each task's last attempt: a task has at most a few (its retry limit), read in one query.
  const attempts = await db.attempt.findMany({
    where: { taskId: { in: tasks.map((t) => t.id) } },
    orderBy: [{ taskId: "asc" }, { number: "desc" }],
    select: { taskId: true, number: true, startedAt: true, responseStatus: true, responseExcerpt: true, error: true },
  });
  const lastAttempt = new Map<number, (typeof attempts)[number]>();
  for (const a of attempts) if (!lastAttempt.has(a.taskId)) lastAttempt.set(a.taskId, a);
  const policyById = new Map(policies.map((p) => [p.id, p]));
  const targetById = new Map(targets.map((t) => [t.id, t]));
  const tasksByExecution = groupBy(tasks, (t) => t.executionId);
  const executions = rows.flatMap((e) => {
    const policy = policyById.get(e.policyId);
    const target = targetById.get(e.targetId);
    if (!policy || !target) return [];
    const own = (tasksByExecution.get(e.id) ?? []).map((t) => {
      const last = lastAttempt.get(t.id);
      return { ...t, attempts: last ? [last] : [] };
    });
    return [{ ...e, policy, target, tasks: own }];
  });
  return { event, executions, deliveries };
}
