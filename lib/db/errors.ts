/**
 * A unique-constraint violation, whichever database is behind it and whether it came from a
 * model query (P2002) or a raw statement (P2010 carrying the driver's error).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as {
    code?: string;
    message?: string;
    meta?: { code?: string; driverAdapterError?: { cause?: { kind?: string } } };
  };
  if (e.code === "P2002") return true;
  if (e.code !== "P2010") return false;
  return (
    e.meta?.code === "23505" ||
    e.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation" ||
    /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(e.message ?? "")
  );
}
