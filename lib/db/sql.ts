import { Prisma } from "@/lib/generated/sqlite/client";
import { dialect } from "@/lib/db/client";

export { Prisma };

/** A timestamp parameter; PostgreSQL needs its type spelled out inside CASE expressions. */
export function tsParam(value: Date): Prisma.Sql {
  return dialect() === "postgresql" ? Prisma.sql`CAST(${value} AS TIMESTAMP(3))` : Prisma.sql`${value}`;
}

/** `CASE "id" WHEN … THEN … [ELSE column] END` for a bulk update keyed by id. */
export function caseById(rows: { id: number; value: Prisma.Sql }[], elseColumn?: string): Prisma.Sql {
  const whens = Prisma.join(
    rows.map((r) => Prisma.sql`WHEN ${r.id} THEN ${r.value}`),
    " ",
  );
  return elseColumn
    ? Prisma.sql`CASE "id" ${whens} ELSE ${Prisma.raw(`"${elseColumn}"`)} END`
    : Prisma.sql`CASE "id" ${whens} END`;
}
