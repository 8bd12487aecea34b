import { z } from "zod";
import { AppError, fromZodError, notFound } from "@/lib/errors";
import { parseRowId } from "@/lib/ids";
import { hasUnstorableText } from "@/lib/shared/unicode";
import { tooDeepError, tooDeepPath } from "@/lib/api/body";

/**
 * How an input is judged beyond its schema. `unknownKeys` "reject" refuses a field the schema does
 * not know by name (the /v1 API: a typo must not pass silently); "strip" drops it (Harbor's API:
 * its clients send fields we do not store). It applies to the top-level object; nested objects
 * keep their schema's own policy. `rootField` names an error about the whole value.
 */
export type InputPolicy = { unknownKeys?: "reject" | "strip"; rootField?: string };

const adjusted = new WeakMap<z.ZodType, Map<string, z.ZodType>>();

function withPolicy(schema: z.ZodType, unknownKeys: InputPolicy["unknownKeys"]): z.ZodType {
  if (!unknownKeys || !(schema instanceof z.ZodObject)) return schema;
  let byPolicy = adjusted.get(schema);
  if (!byPolicy) adjusted.set(schema, (byPolicy = new Map()));
  let s = byPolicy.get(unknownKeys);
  if (!s) byPolicy.set(unknownKeys, (s = unknownKeys === "reject" ? schema.strict() : schema.strip()));
  return s;
}

/**
 * Parses an input (a request body, query, or a server action's arguments) with its zod schema;
 * a failure is a validation error naming the field. Values nested deeper than MAX_JSON_DEPTH and
 * text no database can store are refused first (server actions take anything the browser sends).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, policy: InputPolicy = {}): z.output<S> {
  const deep = tooDeepPath(value);
  if (deep) throw tooDeepError(deep, policy.rootField);
  if (hasUnstorableText(value))
    throw new AppError(
      "validation_error",
      "contains a NUL character or an unpaired UTF-16 surrogate; send valid Unicode text",
    );
  const r = withPolicy(schema, policy.unknownKeys).safeParse(value);
  if (!r.success) throw fromZodError(r.error, { rootField: policy.rootField });
  return r.data as z.output<S>;
}

/** Query parameters as a plain object (the last value wins), for zod. */
export function queryOf(req: { nextUrl: URL }): Record<string, string> {
  return Object.fromEntries(req.nextUrl.searchParams.entries());
}

/** A row id from a path segment or an action argument, or a 404 for `what` (an id that cannot exist names nothing). */
export function rowIdOr404(value: unknown, what: string): number {
  const id = parseRowId(value);
  if (id === undefined) throw notFound(what);
  return id;
}
