import { AppError } from "@/lib/errors";
import type { Condition } from "@/lib/history/conditions";
import { MAX_ROW_ID } from "@/lib/ids";
import { hasUnstorableText } from "@/lib/shared/unicode";

/**
 * Harbor's list query language (`q=name=~abc,status=Error,start_time=[a~b]`), as its swagger and
 * src/lib/q/builder.go define it: `k=v` exact, `k=~v` fuzzy, `k=[min~max]` range, `k={a b}` a list
 * with union relationship (any of), `k=(a b)` a list with intersection relationship (all of).
 * Range and list values may be enclosed in " or '.
 */
export type QueryTerm =
  | { kind: "exact"; value: string }
  | { kind: "fuzzy"; value: string }
  | { kind: "range"; min?: string; max?: string }
  | { kind: "any" | "all"; values: string[] };
export type QueryKind = QueryTerm["kind"];

/** Bounds on hostile input: parsing is linear, and these keep the work and the SQL small. */
export const MAX_QUERY_TERMS = 16;
export const MAX_LIST_VALUES = 100;
export const MAX_SORT_LENGTH = 256;
/** A fuzzy match on free text (a status message) is a LIKE; SQLite refuses patterns over 50,000 bytes. */
export const MAX_FUZZY_LENGTH = 1000;

const badQuery = (message: string) => new AppError("validation_error", `q: ${message}`, "q");
const badSort = (message: string) => new AppError("validation_error", `sort: ${message}`, "sort");
/** Request text quoted in an error, cut short: a hostile query is not echoed back whole. */
const shown = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);

/** Harbor's strings.Trim(value, `"'`): quotes around a range or list value are not part of it. */
function unquote(value: string): string {
  let start = 0;
  let end = value.length;
  const quote = (c: string) => c === '"' || c === "'";
  while (start < end && quote(value[start])) start++;
  while (end > start && quote(value[end - 1])) end--;
  return value.slice(start, end);
}

function parseTerm(key: string, raw: string): QueryTerm {
  if (raw === "") throw badQuery(`${shown(key)} has no value`);
  if (raw.startsWith("~")) {
    if (raw.length < 2) throw badQuery(`${shown(key)}=~ needs a value to match`);
    return { kind: "fuzzy", value: raw.slice(1) };
  }
  if (raw.startsWith("[")) {
    const sep = raw.indexOf("~");
    if (!raw.endsWith("]") || sep < 0 || raw.indexOf("~", sep + 1) >= 0)
      throw badQuery(`range "${shown(raw)}" must look like [min~max]`);
    const min = unquote(raw.slice(1, sep).trim());
    const max = unquote(raw.slice(sep + 1, -1).trim());
    if (!min && !max) throw badQuery(`range "${shown(raw)}" needs a min, a max or both`);
    return { kind: "range", ...(min ? { min } : {}), ...(max ? { max } : {}) };
  }
  if (raw.startsWith("{") || raw.startsWith("(")) {
    const close = raw.startsWith("{") ? "}" : ")";
    if (!raw.endsWith(close)) throw badQuery(`list "${shown(raw)}" must end with ${close}`);
    const values = raw
      .slice(1, -1)
      .split(" ")
      .map((v) => unquote(v.trim()))
      .filter(Boolean);
    if (values.length > MAX_LIST_VALUES) throw badQuery(`${shown(key)} lists more than ${MAX_LIST_VALUES} values`);
    return { kind: close === "}" ? "any" : "all", values };
  }
  // Harbor's escape: a leading backslash lets an exact value start with ~ [ { or (.
  return { kind: "exact", value: raw.startsWith("\\") ? raw.slice(1) : raw };
}

/**
 * Harbor's UI encodes q itself before its HTTP client encodes the parameter again, and Harbor
 * unescapes once more (builder.go); so do we, when the decoded value still holds an escape.
 */
function unescapeAgain(q: string): string {
  if (!q.includes("%")) return q;
  try {
    return decodeURIComponent(q);
  } catch {
    return q; // a literal % (e.g. a fuzzy match on "100%"), as Harbor keeps it
  }
}

/** Parses `q`; a malformed or oversize query is a 400 naming `q`. */
export function parseQuery(q: string | null | undefined): Map<string, QueryTerm> {
  const terms = new Map<string, QueryTerm>();
  if (!q || q.trim() === "") return terms;
  const text = unescapeAgain(q);
  // PostgreSQL refuses NUL in text parameters: refused here rather than as a 500 there.
  if (hasUnstorableText(text)) throw badQuery("contains a NUL character or an unpaired UTF-16 surrogate");
  const parts = text.split(",").filter((part) => part.trim() !== "");
  if (parts.length > MAX_QUERY_TERMS) throw badQuery(`must have at most ${MAX_QUERY_TERMS} terms`);
  for (const part of parts) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (!key) throw badQuery(`"${shown(part)}" is not key=value`);
    if (terms.has(key)) throw badQuery(`${shown(key)} is given twice`);
    terms.set(key, parseTerm(key, part.slice(eq + 1).trim()));
  }
  return terms;
}

/** Refuses keys and match kinds an endpoint does not support, saying what it does support. */
export function checkQuery(terms: Map<string, QueryTerm>, supported: Record<string, readonly QueryKind[]>): void {
  for (const [key, term] of terms) {
    const kinds = Object.hasOwn(supported, key) ? supported[key] : undefined;
    if (!kinds) {
      const keys = Object.keys(supported);
      throw badQuery(
        keys.length
          ? `unsupported key ${shown(key)}; supported: ${keys.join(", ")}`
          : `filtering is not supported here`,
      );
    }
    if (!kinds.includes(term.kind)) throw badQuery(`${key} supports ${kinds.map(describeKind).join(" or ")} only`);
  }
}

function describeKind(kind: QueryKind): string {
  return {
    exact: "exact match (k=v)",
    fuzzy: "fuzzy match (k=~v)",
    range: "a range (k=[min~max])",
    any: "a list (k={v1 v2})",
    all: "an intersection list (k=(v1 v2))",
  }[kind];
}

export type SortKey = { field: string; desc: boolean };

/**
 * Parses Harbor's `sort=field1,-field2` (ascending, `-` for descending; `+` is accepted too).
 * Unknown or repeated fields are a 400 naming `sort`.
 */
export function parseSort(sort: string | null | undefined, fields: readonly string[]): SortKey[] {
  if (!sort || sort.trim() === "") return [];
  if (sort.length > MAX_SORT_LENGTH) throw badSort(`must be at most ${MAX_SORT_LENGTH} characters`);
  const keys: SortKey[] = [];
  for (const s of sort.split(",")) {
    const t = s.trim();
    if (t === "") continue;
    const desc = t.startsWith("-");
    const field = t.replace(/^[-+]/, "");
    if (!fields.includes(field))
      throw badSort(`cannot sort by ${shown(field)}; use ${fields.join(", ")} (prefix - for descending)`);
    if (keys.some((k) => k.field === field)) throw badSort(`${field} is given twice`);
    keys.push({ field, desc });
  }
  return keys;
}

/**
 * A `q` key of a list: the column it filters, how its values read, and the kinds it accepts.
 * `values` makes it an enumeration: matched case-insensitively, and a fuzzy match becomes the list
 * of values containing the text (so it stays an indexed IN).
 */
export type QueryField<C extends string> = {
  column: C;
  type: "int" | "time" | "text";
  kinds: readonly QueryKind[];
  values?: readonly string[];
};

/** Harbor's time format "2020-04-09 02:36:00" (UTC), ISO 8601 (a zone optional, UTC without), a date. */
const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** "Z", "+02", "+0200" or "+02:00" as an ISO offset. */
function isoOffset(zone: string): string {
  if (/^z$/i.test(zone)) return "Z";
  const digits = zone.slice(1).replace(":", "");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2) || "00"}`;
}

export function parseInstant(value: string): Date | undefined {
  if (/^\d{1,12}$/.test(value)) return new Date(Number(value) * 1000); // unix seconds
  const m = TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone = "Z"] = m;
  // Date.UTC rolls 2020-02-30 over into March: a day or time that does not exist is refused.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(frac + "000").slice(0, 3)}${isoOffset(zone)}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function valueOf(key: string, field: QueryField<string>, raw: string): string | number | Date {
  if (field.values) {
    const value = field.values.find((v) => v.toLowerCase() === raw.toLowerCase());
    if (value === undefined) throw badQuery(`${key} must be one of ${field.values.join(", ")}`);
    return value;
  }
  if (field.type === "int") {
    const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    if (!(n <= MAX_ROW_ID)) throw badQuery(`${key} must be a whole number from 0 to ${MAX_ROW_ID}`);
    return n;
  }
  if (field.type === "time") {
    const at = parseInstant(raw);
    if (!at)
      throw badQuery(
        `${key} must be a time such as "2020-04-09 02:36:00" (UTC) or 2020-04-09T02:36:00Z, or unix seconds`,
      );
    return at;
  }
  return raw;
}

/**
 * Checks `q` against a list's fields and turns it into conditions on their columns. Unknown keys,
 * kinds a key does not accept, and values of the wrong type are a 400 naming `q`.
 */
export function queryConditions<C extends string>(
  terms: Map<string, QueryTerm>,
  fields: Record<string, QueryField<C>>,
): Condition<C>[] {
  checkQuery(terms, Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.kinds])));
  return [...terms].flatMap(([key, term]): Condition<C>[] => {
    const field = fields[key];
    const { column } = field;
    switch (term.kind) {
      case "exact":
        return [{ column, op: "eq", value: valueOf(key, field, term.value) }];
      case "fuzzy": {
        const text = term.value.toLowerCase();
        if (field.values)
          return [{ column, op: "in", values: field.values.filter((v) => v.toLowerCase().includes(text)) }];
        // Only digits can occur in an integer.
        if (field.type === "int" && !/^\d{1,10}$/.test(term.value)) return [{ op: "none" }];
        if (term.value.length > MAX_FUZZY_LENGTH)
          throw badQuery(`${key}=~ takes at most ${MAX_FUZZY_LENGTH} characters`);
        return [{ column, op: "contains", value: term.value }];
      }
      case "range":
        return [
          ...(term.min !== undefined ? [{ column, op: "gte" as const, value: valueOf(key, field, term.min) }] : []),
          ...(term.max !== undefined ? [{ column, op: "lte" as const, value: valueOf(key, field, term.max) }] : []),
        ];
      case "any":
        return [{ column, op: "in", values: term.values.map((v) => valueOf(key, field, v)) }];
      case "all":
        // No field is multi-valued; checkQuery refused this kind already.
        return [{ op: "none" }];
    }
  });
}

const KIND_NAMES: Record<QueryKind, string> = {
  exact: "exact",
  fuzzy: "fuzzy",
  range: "range",
  any: "list",
  all: "intersection list",
};

/** "`id` (exact, range), `status` (exact, list)": a list's `q` keys, for its documentation. */
export function describeQueryFields(fields: Record<string, QueryField<string>>): string {
  return Object.entries(fields)
    .map(([key, f]) => `\`${key}\` (${f.kinds.map((k) => KIND_NAMES[k]).join(", ")})`)
    .join(", ");
}
