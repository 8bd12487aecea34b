/** JSON Schema as zod generates it, made readable. Browser-safe. */

const NUMBER_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * zod gives every integer without bounds of its own the bounds ±(2^53 − 1); they say nothing to a
 * reader (and clutter the reference), so they are dropped. Declared bounds stay.
 */
export function stripSafeIntegerBounds<T>(node: T): T {
  if (Array.isArray(node)) return node.map(stripSafeIntegerBounds) as T;
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (
      (key === "minimum" || key === "maximum" || key === "exclusiveMinimum" || key === "exclusiveMaximum") &&
      typeof value === "number" &&
      Math.abs(value) >= NUMBER_LIMIT
    ) {
      continue;
    }
    out[key] = stripSafeIntegerBounds(value);
  }
  return out as T;
}
