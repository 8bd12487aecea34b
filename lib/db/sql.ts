import { Prisma } from "@/lib/generated/sqlite/client";
import { dialect } from "@/lib/db/client";

export { Prisma };

/** A timestamp parameter; PostgreSQL needs its type spelled out inside CASE expressions. */
export function tsParam(value: Date): Prisma.Sql {
  return dialect() === "postgresql" ? Prisma.sql`CAST(${value} AS TIMESTAMP(3))` : Prisma.sql`${value}`;
}

/** `CASE "id" WHEN … THEN … [ELSE column] END` for a bulk update keyed by id (or another `key` column). */
export function caseById(rows: { id: number; value: Prisma.Sql }[], elseColumn?: string, key = "id"): Prisma.Sql {
  const whens = Prisma.join(
    rows.map((r) => Prisma.sql`WHEN ${r.id} THEN ${r.value}`),
    " ",
  );
  const on = Prisma.raw(`"${key}"`);
  return elseColumn
    ? Prisma.sql`CASE ${on} ${whens} ELSE ${Prisma.raw(`"${elseColumn}"`)} END`
    : Prisma.sql`CASE ${on} ${whens} END`;
}
