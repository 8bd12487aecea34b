import { z } from "zod";
import { AppError } from "@/lib/errors";
import { MAX_ROW_ID } from "@/lib/ids";

/**
 * Cursor pagination for the /v1 API. A cursor is opaque to clients: base64url of a small JSON
 * object holding the id of the last row of the previous page (rows are listed newest first). The id
 * is checked against the id columns' range: a forged one beyond it would fail the query itself.
 */
const cursorSchema = z.strictObject({ after: z.number().int().positive().max(MAX_ROW_ID) });

export function encodeCursor(lastId: number): string {
  return Buffer.from(JSON.stringify({ after: lastId }), "utf8").toString("base64url");
}

/** The id the next page starts below; `invalid_cursor` for anything we did not hand out. */
export function decodeCursor(cursor: string): number {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success) throw invalidCursor();
  return parsed.data.after;
}

function invalidCursor() {
  return new AppError(
    "invalid_cursor",
    "cursor is not a cursor returned by this API (use next_cursor from the previous page)",
    "cursor",
  );
}

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

/** `limit` and `cursor` query parameters, shared by every cursor-paged list. */
export const cursorQuerySchema = z.object({
  limit: z.coerce
    .number("must be an integer between 1 and 100")
    .int("must be an integer between 1 and 100")
    .min(1, "must be an integer between 1 and 100")
    .max(MAX_PAGE_LIMIT, "must be an integer between 1 and 100")
    .default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().optional(),
});

/**
 * Splits rows fetched with `take: limit + 1` into the page and the cursor of the next one
 * (null on the last page).
 */
export function cursorPage<T extends { id: number }>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more && items.length > 0 ? encodeCursor(items[items.length - 1].id) : null };
}
