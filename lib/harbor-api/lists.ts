import { invalid, notFound } from "@/lib/errors";
import { sliceToPage, parsePaging } from "@/lib/api/pagination";
import { getDb } from "@/lib/db/client";
import { parseRowId } from "@/lib/ids";
import type { Condition, ExecutionColumn, Order } from "@/lib/history/conditions";
import { listExecutions, listTasks } from "@/lib/history/queries";
import { TASK_STATUSES } from "@/lib/shared/task-statuses";
import {
  EXECUTION_QUERY_FIELDS,
  EXECUTION_SORT_FIELDS,
  TASK_QUERY_FIELDS,
  TASK_SORT_FIELDS,
} from "@/lib/harbor-api/list-fields";
import { toHarborTask } from "@/lib/harbor-api/mappers";
import { MAX_LIST_VALUES, checkQuery, parseQuery, parseSort, queryConditions } from "@/lib/harbor-api/query";
import { findPolicy, listPolicies } from "@/lib/policies/service";

/** The list endpoints' query handling: Harbor's page/page_size, q and sort, checked up front. */

export const POLICY_SORT_FIELDS = ["name", "creation_time", "update_time", "enabled", "id"] as const;

export async function policyPage(projectId: number | null, params: URLSearchParams) {
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

function orderOf<C extends string>(sort: string | null, fields: Record<string, C>): Order<C>[] {
  return parseSort(sort, Object.keys(fields)).map((s) => ({ column: fields[s.field], desc: s.desc }));
}

/**
 * A policy's executions: newest first unless `sort` says otherwise, filtered by `q` (and by the
 * caller's own conditions, such as the jobs endpoint's `status`).
 */
export async function executionPage(
  policyId: number,
  params: URLSearchParams,
  where: Condition<ExecutionColumn>[] = [],
) {
  const paging = parsePaging(params);
  const conditions = queryConditions(parseQuery(params.get("q")), EXECUTION_QUERY_FIELDS);
  const orderBy = orderOf(params.get("sort"), EXECUTION_SORT_FIELDS);
  const { total, items } = await listExecutions(policyId, { ...paging, where: [...conditions, ...where], orderBy });
  return { paging, total, items };
}

/** An execution's tasks in Harbor's shape, each with its attempts; `q` and `sort` as on executions. */
export async function taskPage(policyId: number, executionId: number, params: URLSearchParams) {
  const paging = parsePaging(params);
  const where = queryConditions(parseQuery(params.get("q")), TASK_QUERY_FIELDS);
  const orderBy = orderOf(params.get("sort"), TASK_SORT_FIELDS);
  const { total, items } = await listTasks(policyId, executionId, { ...paging, where, orderBy });
  return { paging, total, items: items.map((t) => toHarborTask(t, t.attempts)) };
}

/** Harbor's job statuses are the execution statuses; the parameter may repeat or list them with commas. */
function jobStatuses(params: URLSearchParams): Condition<ExecutionColumn>[] {
  const given = params
    .getAll("status")
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  if (given.length === 0) return [];
  if (given.length > MAX_LIST_VALUES) throw invalid("status", `status: must list at most ${MAX_LIST_VALUES} values`);
  const values = given.map((s) => {
    const status = TASK_STATUSES.find((t) => t.toLowerCase() === s.toLowerCase());
    if (!status) throw invalid("status", `status: must be one of ${TASK_STATUSES.join(", ")}`);
    return status;
  });
  return [{ column: "status", op: "in", values }];
}

/**
 * Harbor's deprecated `GET /projects/{p}/webhook/jobs?policy_id=`: a webhook job is an execution
 * (Harbor's executions and tasks are 1:1 here too), paged and filtered as the executions list.
 */
export async function webhookJobPage(projectId: number, params: URLSearchParams) {
  const raw = params.get("policy_id");
  if (raw === null || raw.trim() === "") throw invalid("policy_id", "policy_id: is required");
  const policyId = parseRowId(raw.trim());
  if (policyId === undefined) throw invalid("policy_id", "policy_id: must be a positive whole number");
  const policy = await findPolicy(projectId, policyId);
  if (!policy) throw notFound("webhook policy");
  return executionPage(policy.id, params, jobStatuses(params));
}
