import { readCappedBody } from "@/lib/http/capped-body";
import { AppError } from "@/lib/errors";
import { hasUnstorableText } from "@/lib/shared/unicode";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * How deeply a JSON input may nest objects and arrays (the body itself is level 1). Ours go five
 * levels deep; anything past this would only make the recursive code behind (schemas, JSON
 * serialisation, the database's JSON functions) run out of stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The path to the first object or array nested deeper than `max`, or undefined. Iterative: it
 * runs before any code that recurses, whatever the input's depth.
 */
export function tooDeepPath(value: unknown, max = MAX_JSON_DEPTH): (string | number)[] | undefined {
  type Node = { v: unknown; depth: number; key?: string | number; parent?: Node };
  const pending: Node[] = [{ v: value, depth: 0 }];
  // A value seen before is not walked again: a cycle (a server action's arguments can have one)
  // ends instead of growing without end.
  const seen = new Set<object>();
  while (pending.length > 0) {
    const node = pending.pop()!;
    const { v } = node;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (node.depth >= max) {
      const path: (string | number)[] = [];
      for (let n: Node | undefined = node; n?.parent; n = n.parent) path.unshift(n.key!);
      return path;
    }
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (const [key, child] of children) pending.push({ v: child, depth: node.depth + 1, key, parent: node });
  }
  return undefined;
}

/** The error for a too deep input, naming the top-level field it is in (or `rootField` for the value itself). */
export function tooDeepError(path: (string | number)[], rootField?: string): AppError {
  const field = path.length > 0 ? String(path[0]) : rootField;
  const where = field ? `${field}: ` : "";
  return new AppError(
    "validation_error",
    `${where}JSON nested more than ${MAX_JSON_DEPTH} levels deep; send flatter data`,
    field,
  );
}

/** application/json and any `+json` media type (the registry's envelope type among them). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/**
 * The request's JSON body, for every API: a Content-Type that is not JSON answers 415, a body over
 * the cap 413 (naming the limit), anything empty or unparsable 400; `field` is "body" for all (the
 * Harbor error shape has no field and drops it). No content type at all is read as JSON.
 */
export async function readJsonBody(req: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  return readJsonFrom({ headers: req.headers, readBody: (max) => readCappedBody(req, max) }, maxBytes);
}

/** readJsonBody for any request shape (a Web Request, Node's IncomingMessage through lib/api/call.ts). */
export async function readJsonFrom(
  req: { headers: { get(name: string): string | null }; readBody(maxBytes: number): Promise<Buffer> },
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<unknown> {
  const mediaType = req.headers.get("content-type")?.split(";")[0].trim() ?? "";
  if (mediaType && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new AppError(
      "unsupported_media_type",
      `Content-Type ${mediaType} is not accepted; send application/json`,
      "Content-Type",
    );
  }
  const text = (await req.readBody(maxBytes)).toString("utf8");
  if (text.trim() === "") throw new AppError("invalid_json", "request body is empty; expected a JSON object", "body");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "request body is not valid JSON", "body");
  }
  const deep = tooDeepPath(value);
  if (deep) throw tooDeepError(deep, "body");
  if (hasUnstorableText(value))
    throw new AppError(
      "invalid_json",
      "request body contains a NUL character or an unpaired UTF-16 surrogate escape (\\u0000, \\ud800); send valid Unicode text",
      "body",
    );
  return value;
}
