import { parsePaging, pageWindow } from "@/lib/api/pagination";
import type { z } from "zod";
import { dialect, getDb } from "@/lib/db/client";
import type { harborAuditLogSchema } from "@/lib/harbor-api/schemas";
import type { Condition } from "@/lib/history/conditions";
import { parseQuery, parseSort, queryConditions, type QueryField } from "@/lib/harbor-api/query";

/**
 * The audit log in Harbor's shape (swagger AuditLog: id, username, resource, resource_type,
 * operation, op_time), with what changed (`detail`, secrets named only) and the project id.
 */
export type HarborAuditLog = z.infer<typeof harborAuditLogSchema>;

type AuditColumn = "id" | "actor" | "action" | "objectType" | "objectId" | "at" | "projectId";

/** Harbor's `q` keys of the audit log (operation, resource, resource_type, username, op_time), mapped to ours. */
export const AUDIT_QUERY_FIELDS: Record<string, QueryField<AuditColumn>> = {
  id: { column: "id", type: "int", kinds: ["exact", "range", "any"] },
  operation: { column: "action", type: "text", kinds: ["exact", "fuzzy", "any"] },
  resource: { column: "objectId", type: "text", kinds: ["exact", "fuzzy", "any"] },
  resource_type: { column: "objectType", type: "text", kinds: ["exact", "fuzzy", "any"] },
  username: { column: "actor", type: "text", kinds: ["exact", "fuzzy", "any"] },
  op_time: { column: "at", type: "time", kinds: ["range"] },
};

export const AUDIT_SORT_FIELDS: Record<string, AuditColumn> = {
  id: "id",
  op_time: "at",
  username: "actor",
  operation: "action",
};

/** A condition as a Prisma filter; `contains` is case-insensitive on both databases, as Harbor's. */
function whereOf(conditions: Condition<AuditColumn>[]) {
  const insensitive = dialect() === "postgresql" ? { mode: "insensitive" as const } : {};
  return conditions.map((c) => {
    if (c.op === "none") return { id: { in: [] as number[] } };
    if (c.op === "eq") return { [c.column]: c.value };
    if (c.op === "in") return { [c.column]: { in: c.values } };
    if (c.op === "contains") return { [c.column]: { contains: c.value, ...insensitive } };
    return { [c.column]: { [c.op]: c.value } };
  });
}

/** A page of audit entries, newest first unless `sort` says otherwise; `projectId` narrows to one project. */
export async function auditPage(params: URLSearchParams, projectId?: number) {
  const paging = parsePaging(params);
  const conditions = queryConditions(parseQuery(params.get("q")), AUDIT_QUERY_FIELDS);
  const sort = parseSort(params.get("sort"), Object.keys(AUDIT_SORT_FIELDS));
  const orderBy = [
    ...sort.map((s) => ({ [AUDIT_SORT_FIELDS[s.field]]: s.desc ? ("desc" as const) : ("asc" as const) })),
    { id: "desc" as const },
  ];
  const where = { AND: [...whereOf(conditions), ...(projectId !== undefined ? [{ projectId }] : [])] };
  const db = await getDb();
  const [total, rows] = await Promise.all([
    db.auditLog.count({ where }),
    db.auditLog.findMany({ where, orderBy, ...pageWindow(paging) }),
  ]);
  return { paging, total, items: rows.map(toHarborAuditLog) };
}

export function toHarborAuditLog(row: {
  id: number;
  at: Date;
  actor: string;
  action: string;
  projectId: number | null;
  objectType: string;
  objectId: string;
  detail: string;
}): HarborAuditLog {
  return {
    id: row.id,
    username: row.actor,
    resource: row.objectId,
    resource_type: row.objectType,
    operation: row.action,
    op_time: row.at.toISOString(),
    project_id: row.projectId,
    detail: row.detail,
  };
}
