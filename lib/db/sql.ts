import { Prisma } from "@/lib/generated/sqlite/client";
import { dialect } from "@/lib/db/client";

export { Prisma };

/** A timestamp parameter; PostgreSQL needs its type spelled out where it cannot infer it (CASE, WITH). */
export function tsParam(value: Date): Prisma.Sql {
  return dialect() === "postgresql" ? Prisma.sql`CAST(${value} AS TIMESTAMP(3))` : Prisma.sql`${value}`;
}
