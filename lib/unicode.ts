/**
 * Text no database here can take: an unpaired UTF-16 surrogate (a JSON escape such as "\ud800",
 * or a server action argument) is not Unicode at all, and PostgreSQL refuses NUL characters in
 * text (SQLite cuts strings at them). Inputs carrying either are refused at the edge instead of
 * failing deep inside a query with a 500.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (depth > 64 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => hasUnstorableText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => UNSTORABLE.test(k) || hasUnstorableText(v, depth + 1));
}
