import { AppError } from "@/lib/errors";
import { sliceToPage, parsePaging, type Paging } from "@/lib/api/pagination";
import { getDb } from "@/lib/db/client";
import { isEventType } from "@/lib/shared/events";
import { listExecutions, type ExecutionFilter } from "@/lib/history/queries";
import { TASK_STATUSES, type TaskStatus } from "@/lib/shared/task-statuses";
import { toHarborTask, type AttemptRow } from "@/lib/harbor-api/mappers";
import { checkQuery, parseQuery, parseSort, type QueryTerm } from "@/lib/harbor-api/query";
import { listPolicies } from "@/lib/policies/service";

/** The list endpoints' query handling: Harbor's page/page_size, q and sort, checked up front. */

export const POLICY_SORT_FIELDS = ["name", "creation_time", "update_time", "enabled", "id"] as const;

export async function policyPage(projectId: number, params: URLSearchParams) {
  const paging = parsePaging(params);
  const terms = parseQuery(params.get("q"));
  checkQuery(terms, { name: ["exact", "fuzzy"] });
  const sort = parseSort(params.get("sort"), POLICY_SORT_FIELDS);
  const name = terms.get("name");
  if (name?.kind === "exact") {
    // Names are unique within a project: an exact match is one policy or none.
    const db = await getDb();
    const one = await db.webhookPolicy.findFirst({
      where: { projectId, kind: "policy", name: name.value },
      include: { targets: { orderBy: { position: "asc" } } },
    });
    const all = one ? [one] : [];
    return { paging, total: all.length, items: sliceToPage(all, paging) };
  }
  const first = sort[0];
  const { total, items } = await listPolicies(projectId, {
    page: paging.page,
    pageSize: paging.pageSize,
    name: name?.kind === "fuzzy" ? name.value : undefined,
    sort: first ? `${first.desc ? "-" : ""}${first.field}` : undefined,
  });
  return { paging, total, items };
}

function statusOf(term: QueryTerm): TaskStatus {
  const value = term.kind === "exact" || term.kind === "fuzzy" ? term.value : "";
  const status = TASK_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (!status) throw new AppError("validation_error", `q: status must be one of ${TASK_STATUSES.join(", ")}`, "q");
  return status;
}

function instantOf(value: string | undefined, bound: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new AppError("validation_error", `q: start_time ${bound} must be an ISO 8601 date-time or unix seconds`, "q");
  return d;
}

/** Executions of a policy, newest first, filtered by `q=status=Error,event_type=PUSH_ARTIFACT,start_time=[from~to]`. */
export async function executionPage(policyId: number, params: URLSearchParams) {
  const paging = parsePaging(params);
  const terms = parseQuery(params.get("q"));
  checkQuery(terms, { status: ["exact", "fuzzy"], event_type: ["exact"], start_time: ["range"] });
  for (const s of parseSort(params.get("sort"), ["id", "start_time"])) {
    if (!s.desc)
      throw new AppError(
        "validation_error",
        "sort: executions are listed newest first; use -id or -start_time",
        "sort",
      );
  }
  const filter: ExecutionFilter = {};
  const status = terms.get("status");
  if (status) filter.status = statusOf(status);
  const eventType = terms.get("event_type");
  if (eventType?.kind === "exact") {
    if (!isEventType(eventType.value))
      throw new AppError("validation_error", `q: event_type ${eventType.value} is not a webhook event type`, "q");
    filter.eventType = eventType.value;
  }
  const range = terms.get("start_time");
  if (range?.kind === "range") {
    filter.from = instantOf(range.min, "min");
    filter.to = instantOf(range.max, "max");
  }
  const { total, items } = await listExecutions(policyId, { page: paging.page, pageSize: paging.pageSize, ...filter });
  return { paging, total, items };
}

type TaskRow = Parameters<typeof toHarborTask>[0];

/** An execution's tasks in Harbor's shape, each with its attempts. */
export async function taskPage(
  tasks: TaskRow[],
  params: URLSearchParams,
): Promise<{ paging: Paging; total: number; items: ReturnType<typeof toHarborTask>[] }> {
  const paging = parsePaging(params);
  checkQuery(parseQuery(params.get("q")), {});
  const sort = parseSort(params.get("sort"), ["id", "creation_time"])[0];
  const ordered = [...tasks].sort((a, b) => (sort?.desc ? b.id - a.id : a.id - b.id));
  const page = sliceToPage(ordered, paging);
  const db = await getDb();
  const attempts = page.length
    ? await db.attempt.findMany({
        where: { taskId: { in: page.map((t) => t.id) } },
        orderBy: [{ taskId: "asc" }, { number: "asc" }],
      })
    : [];
  const byTask = new Map<number, AttemptRow[]>();
  for (const a of attempts) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
  return { paging, total: tasks.length, items: page.map((t) => toHarborTask(t, byTask.get(t.id) ?? [])) };
}
