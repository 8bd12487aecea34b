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

/**
 * Whether a failed statement failed because of the database's state (a connection cut, the
 * server shutting down or out of resources, SQLite busy) rather than because of the values it
 * carried. Callers retry the former as it is; the latter will fail again, so they set the row at
 * fault apart. PostgreSQL: SQLSTATE classes 08 (connection), 53 (resources), 57 (operator
 * intervention), 58 (system); an error without a SQLSTATE is the connection's. SQLite: busy/locked,
 * I/O, full disk; a value its driver cannot bind is the value's fault.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return true;
  // A value the driver cannot bind (SQLite's driver throws these itself).
  if (err instanceof TypeError || err instanceof RangeError) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return true;
  if (code.startsWith("SQLITE_")) return /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM)/.test(code);
  if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57|58)/.test(code);
  return true;
}
