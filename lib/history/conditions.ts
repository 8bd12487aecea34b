import { Prisma } from "@/lib/db/sql";

/**
 * Filters and orderings of the history lists as SQL that reads the same on SQLite and PostgreSQL.
 * Column names come only from the tables below (never from the request), values are parameters.
 */

type ColumnType = "int" | "text" | "time";
type Columns = Record<string, { type: ColumnType; nullable?: true }>;

export const EXECUTION_COLUMNS = {
  id: { type: "int" },
  policyId: { type: "int" },
  vendorType: { type: "text" },
  eventType: { type: "text" },
  status: { type: "text" },
  statusMessage: { type: "text" },
  trigger: { type: "text" },
  startTime: { type: "time" },
  endTime: { type: "time", nullable: true },
} as const satisfies Columns;

export const TASK_COLUMNS = {
  id: { type: "int" },
  policyId: { type: "int" },
  executionId: { type: "int" },
  status: { type: "text" },
  statusMessage: { type: "text" },
  runCount: { type: "int" },
  createdAt: { type: "time" },
  startTime: { type: "time", nullable: true },
  updatedAt: { type: "time" },
  endTime: { type: "time", nullable: true },
} as const satisfies Columns;

export type ExecutionColumn = keyof typeof EXECUTION_COLUMNS;
export type TaskColumn = keyof typeof TASK_COLUMNS;

export type Scalar = string | number | Date;

/** `contains` is case-insensitive (Harbor's icontains); on an integer column it matches the digits. */
export type Condition<C extends string = string> =
  | { column: C; op: "eq" | "gte" | "lte"; value: Scalar }
  | { column: C; op: "in"; values: Scalar[] }
  | { column: C; op: "contains"; value: string }
  | { op: "none" };

export type Order<C extends string = string> = { column: C; desc: boolean };

function column(columns: Columns, name: string): { sql: Prisma.Sql; type: ColumnType; nullable: boolean } {
  const spec = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (!spec) throw new Error(`unknown history column ${name}`);
  return { sql: Prisma.raw(`"${name}"`), type: spec.type, nullable: spec.nullable === true };
}

/** LIKE's wildcards in a value match themselves (ESCAPE '\'). */
const likeEscaped = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditionSql(columns: Columns, c: Condition): Prisma.Sql {
  if (c.op === "none") return Prisma.sql`1 = 0`;
  const col = column(columns, c.column);
  switch (c.op) {
    case "eq":
      return Prisma.sql`${col.sql} = ${c.value}`;
    case "gte":
      return Prisma.sql`${col.sql} >= ${c.value}`;
    case "lte":
      return Prisma.sql`${col.sql} <= ${c.value}`;
    case "in":
      return c.values.length ? Prisma.sql`${col.sql} IN (${Prisma.join(c.values)})` : Prisma.sql`1 = 0`;
    case "contains": {
      const pattern = `%${likeEscaped(c.value.toLowerCase())}%`;
      return col.type === "int"
        ? Prisma.sql`CAST(${col.sql} AS TEXT) LIKE ${pattern} ESCAPE '\\'`
        : Prisma.sql`LOWER(${col.sql}) LIKE ${pattern} ESCAPE '\\'`;
    }
  }
}

/** The conditions joined with AND (there is always at least the owner's id). */
export function whereSql(columns: Columns, conditions: Condition[]): Prisma.Sql {
  return Prisma.join(
    conditions.map((c) => conditionSql(columns, c)),
    " AND ",
  );
}

/**
 * ORDER BY the keys, then by id in the first key's direction, so pages never overlap or skip rows.
 * A missing time (a running delivery's end) sorts as Harbor's zero time: first ascending, last
 * descending, on both databases (their NULL defaults differ).
 */
export function orderSql(columns: Columns, order: Order[]): Prisma.Sql {
  const keys = order.some((o) => o.column === "id")
    ? order
    : [...order, { column: "id", desc: order[0]?.desc ?? true }];
  return Prisma.join(
    keys.map((o) => {
      const col = column(columns, o.column);
      const direction = o.desc ? "DESC" : "ASC";
      const nulls = col.nullable ? (o.desc ? " NULLS LAST" : " NULLS FIRST") : "";
      return Prisma.sql`${col.sql} ${Prisma.raw(direction + nulls)}`;
    }),
    ", ",
  );
}
