import { dialect, getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/sql";
import {
  EXECUTION_COLUMNS,
  TASK_COLUMNS,
  orderSql,
  whereSql,
  type Condition,
  type ExecutionColumn,
  type Order,
  type TaskColumn,
} from "@/lib/history/conditions";
import { taskLogLines } from "@/lib/history/task-log";
import { TASK_STATUSES, type TaskStatus } from "@/lib/shared/task-statuses";

/**
 * Reading delivery history. Every query takes the policy id, which the caller has already
 * resolved inside the caller's project, so history of another project is never reachable.
 */

export type ExecutionFilter = {
  status?: TaskStatus;
  eventType?: string;
  from?: Date;
  to?: Date;
  /** Exact matches on the event's columns extracted at ingest (lib/events/search-fields.ts). */
  repository?: string;
  tag?: string;
  digest?: string;
  operator?: string;
  eventId?: number;
  /** A task's webhook-id: the execution that task belongs to. */
  webhookId?: string;
  /** Further conditions (the Harbor API's q), ANDed with the fields above. */
  where?: Condition<ExecutionColumn>[];
  /** Default: newest first (id descending, the (policyId, id) index). Ties are broken by id. */
  orderBy?: Order<ExecutionColumn>[];
};

/**
 * The event columns an execution filter may match, with their Event indexes: each is
 * (projectId, column, id), so the matching events of the policy's project are one index range,
 * and their executions come through Execution(eventId).
 */
const EVENT_SEARCH_COLUMNS = ["repository", "tag", "digest", "operator"] as const;

/**
 * `instanceWide`: the policy has no project, its executions are of events of any project, so the
 * event filter looks at each execution's own event instead of one project's index range.
 */
function executionWhere(policyId: number, f: ExecutionFilter, instanceWide = false): Prisma.Sql {
  const conditions: Condition<ExecutionColumn>[] = [{ column: "policyId", op: "eq", value: policyId }];
  if (f.status) conditions.push({ column: "status", op: "eq", value: f.status });
  if (f.eventType) conditions.push({ column: "eventType", op: "eq", value: f.eventType });
  if (f.from) conditions.push({ column: "startTime", op: "gte", value: f.from });
  if (f.to) conditions.push({ column: "startTime", op: "lte", value: f.to });
  const parts = [whereSql(EXECUTION_COLUMNS, [...conditions, ...(f.where ?? [])])];
  if (f.eventId !== undefined) parts.push(Prisma.sql`"eventId" = ${f.eventId}`);
  const eventMatches = EVENT_SEARCH_COLUMNS.flatMap((c) =>
    f[c] === undefined ? [] : [Prisma.sql`"ev".${Prisma.raw(`"${c}"`)} = ${f[c]}`],
  );
  if (eventMatches.length && instanceWide) {
    parts.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "Event" "ev" WHERE "ev"."id" = "eventId" AND ${Prisma.join(eventMatches, " AND ")})`,
    );
  } else if (eventMatches.length) {
    // The policy's project is a constant of the query (the policy is the caller's, in its project).
    parts.push(Prisma.sql`"eventId" IN (SELECT "ev"."id" FROM "Event" "ev" WHERE "ev"."projectId" =
      (SELECT "pp"."projectId" FROM "WebhookPolicy" "pp" WHERE "pp"."id" = ${policyId}) AND ${Prisma.join(eventMatches, " AND ")})`);
  }
  if (f.webhookId !== undefined)
    parts.push(
      Prisma.sql`"id" IN (SELECT "tk"."executionId" FROM "Task" "tk" WHERE "tk"."webhookId" = ${f.webhookId})`,
    );
  return Prisma.join(parts, " AND ");
}

/**
 * One page of a policy's executions. The page's ids come from one SQL query (filters and order
 * shared with the count), then the rows with their event, target and tasks.
 */
export async function listExecutions(policyId: number, opts: { page: number; pageSize: number } & ExecutionFilter) {
  const db = await getDb();
  const where = executionWhere(policyId, opts, await isInstanceWide(policyId));
  const order = orderSql(EXECUTION_COLUMNS, opts.orderBy?.length ? opts.orderBy : [{ column: "id", desc: true }]);
  const [total, page] = await Promise.all([
    countExecutions(where),
    db.$queryRaw<{ id: number | bigint }[]>`SELECT "id" FROM "Execution" WHERE ${where} ORDER BY ${order}
      LIMIT ${opts.pageSize} OFFSET ${(opts.page - 1) * opts.pageSize}`,
  ]);
  const rows = await executionsWithRelations(page.map((r) => Number(r.id)));
  return { total, items: rows };
}

/** Whether the policy is instance-wide (no project of its own). */
async function isInstanceWide(policyId: number): Promise<boolean> {
  const db = await getDb();
  const policy = await db.webhookPolicy.findUnique({ where: { id: policyId }, select: { projectId: true } });
  return policy !== null && policy.projectId === null;
}

const TARGET_SUMMARY = { id: true, type: true, address: true, payloadFormat: true } as const;

/**
 * Executions by id, in the order given, each with its event, target and tasks. One flat query a
 * table, joined here: Prisma's nested includes cost several times more per page (measured in
 * scripts/bench/history.ts), and a page is at most a few dozen rows.
 */
async function executionsWithRelations(ids: number[]) {
  if (ids.length === 0) return [];
  const db = await getDb();
  const executions = await db.execution.findMany({ where: { id: { in: ids } } });
  const [events, targets, tasks] = await Promise.all([
    db.event.findMany({ where: { id: { in: unique(executions.map((e) => e.eventId)) } } }),
    db.webhookTarget.findMany({
      where: { id: { in: unique(executions.map((e) => e.targetId)) } },
      select: TARGET_SUMMARY,
    }),
    db.task.findMany({
      where: { executionId: { in: ids } },
      orderBy: { id: "asc" },
      select: {
        id: true,
        executionId: true,
        status: true,
        runCount: true,
        maxAttempts: true,
        statusMessage: true,
        updatedAt: true,
      },
    }),
  ]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const targetById = new Map(targets.map((t) => [t.id, t]));
  const tasksByExecution = groupBy(tasks, (t) => t.executionId);
  const byId = new Map(executions.map((e) => [e.id, e]));
  return ids.flatMap((id) => {
    const e = byId.get(id);
    const event = e && eventById.get(e.eventId);
    const target = e && targetById.get(e.targetId);
    return e && event && target ? [{ ...e, event, target, tasks: tasksByExecution.get(id) ?? [] }] : [];
  });
}

export const unique = <T>(values: T[]): T[] => [...new Set(values)];

export function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

export type TaskFilter = { where?: Condition<TaskColumn>[]; orderBy?: Order<TaskColumn>[] };

/** One page of an execution's tasks (oldest first by default), each with its attempts. */
export async function listTasks(
  policyId: number,
  executionId: number,
  opts: { page: number; pageSize: number } & TaskFilter,
) {
  const db = await getDb();
  const where = whereSql(TASK_COLUMNS, [
    { column: "executionId", op: "eq", value: executionId },
    { column: "policyId", op: "eq", value: policyId },
    ...(opts.where ?? []),
  ]);
  const order = orderSql(TASK_COLUMNS, opts.orderBy?.length ? opts.orderBy : [{ column: "id", desc: false }]);
  // An execution has a task per delivery run: few rows, counted exactly (the executionId index).
  const [[count], page] = await Promise.all([
    db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM "Task" WHERE ${where}`,
    db.$queryRaw<{ id: number | bigint }[]>`SELECT "id" FROM "Task" WHERE ${where} ORDER BY ${order}
      LIMIT ${opts.pageSize} OFFSET ${(opts.page - 1) * opts.pageSize}`,
  ]);
  const ids = page.map((r) => Number(r.id));
  const rows = ids.length
    ? await db.task.findMany({
        where: { id: { in: ids } },
        include: { attempts: { orderBy: { number: "asc" } } },
      })
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { total: Number(count.n), items: ids.flatMap((id) => byId.get(id) ?? []) };
}

/**
 * Totals up to this many are exact; PostgreSQL estimates larger ones. Counting a policy's 900,000
 * executions takes tens of milliseconds on every page view; a policy under the default
 * retention (1,000 executions) is always counted exactly.
 */
export const EXACT_COUNT_LIMIT = 10_000;

/** SQLite's counts beyond EXACT_COUNT_LIMIT, by filter: recounted at most this often. */
const LARGE_COUNT_TTL_MS = 30_000;
const largeCounts = new Map<string, { n: number; at: number }>();

/**
 * The number of executions matching the filter (the pagination total, Harbor's X-Total-Count).
 * Counting stops after EXACT_COUNT_LIMIT + 1 rows; beyond that PostgreSQL answers with its planner
 * estimate (from the statistics autovacuum keeps; close for the policy, rougher with filters),
 * never below the exact limit. SQLite has no such estimate: it counts on, and keeps that count
 * for LARGE_COUNT_TTL_MS (paging through 900,000 executions need not count them on every page).
 */
async function countExecutions(where: Prisma.Sql): Promise<number> {
  const db = await getDb();
  const [capped] = await db.$queryRaw<
    { n: number | bigint }[]
  >`SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "Execution" WHERE ${where} LIMIT ${EXACT_COUNT_LIMIT + 1}) AS "capped"`;
  if (Number(capped.n) <= EXACT_COUNT_LIMIT) return Number(capped.n);
  if (dialect() === "postgresql") {
    const [plan] = await db.$queryRaw<
      { "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]
    >`EXPLAIN (FORMAT JSON) SELECT 1 FROM "Execution" WHERE ${where}`;
    return Math.max(EXACT_COUNT_LIMIT + 1, Math.round(plan["QUERY PLAN"][0].Plan["Plan Rows"]));
  }
  const key = `${where.sql}|${JSON.stringify(where.values)}`;
  const cached = largeCounts.get(key);
  if (cached && Date.now() - cached.at < LARGE_COUNT_TTL_MS) return cached.n;
  const [all] = await db.$queryRaw<{ n: number | bigint }[]>`SELECT COUNT(*) AS "n" FROM "Execution" WHERE ${where}`;
  if (largeCounts.size >= 1_000) largeCounts.clear();
  largeCounts.set(key, { n: Number(all.n), at: Date.now() });
  return Number(all.n);
}

export async function getExecution(policyId: number, executionId: number) {
  if (!Number.isSafeInteger(executionId)) return null;
  const db = await getDb();
  return db.execution.findFirst({
    where: { id: executionId, policyId },
    include: {
      event: true,
      target: {
        select: { id: true, type: true, address: true, payloadFormat: true, payloadTemplate: true, contentType: true },
      },
      tasks: { orderBy: { id: "asc" } },
    },
  });
}

export async function getTask(policyId: number, taskId: number, executionId?: number) {
  if (!Number.isSafeInteger(taskId)) return null;
  const db = await getDb();
  return db.task.findFirst({
    where: { id: taskId, policyId, ...(executionId ? { executionId } : {}) },
    include: { attempts: { orderBy: { number: "asc" } }, execution: { include: { event: true, target: true } } },
  });
}

/** The task log as Harbor shows it: one line per entry, oldest first. */
export async function taskLogText(policyId: number, taskId: number, executionId?: number): Promise<string | null> {
  const task = await getTask(policyId, taskId, executionId);
  if (!task) return null;
  const lines = (await taskLogLines([taskId])).get(taskId) ?? [];
  return lines.map((l) => `${l.at.toISOString()} [${l.level}] ${l.message}`).join("\n") + (lines.length ? "\n" : "");
}

/** Task counts by status for an execution (Harbor's execution metrics). */
export function taskMetrics(tasks: { status: string }[]) {
  const count = (s: string) => tasks.filter((t) => t.status === s).length;
  return {
    task_count: tasks.length,
    success_task_count: count("Success"),
    error_task_count: count("Error"),
    pending_task_count: count("Pending"),
    running_task_count: count("Running"),
    scheduled_task_count: 0,
    stopped_task_count: count("Stopped"),
  };
}

export function isTaskStatus(v: unknown): v is TaskStatus {
  return typeof v === "string" && (TASK_STATUSES as readonly string[]).includes(v);
}
