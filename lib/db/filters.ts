/**
 * A "name contains" filter. A needle longer than any stored name can be matches nothing, so it is
 * answered without asking the database (SQLite refuses LIKE patterns over 50,000 bytes).
 */
export function nameContains(needle: string | undefined, maxNameLength: number) {
  if (!needle) return {};
  if (needle.length > maxNameLength) return { id: { in: [] as number[] } };
  return { name: { contains: needle } };
}
