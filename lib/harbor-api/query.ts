import { AppError } from "@/lib/errors";

/**
 * Harbor's list query language (`q=name=~abc,status=Error,start_time=[a~b]`):
 * `k=v` exact, `k=~v` fuzzy, `k=[min~max]` range, `k={a b}` all of, `k=(a b)` any of.
 */
export type QueryTerm =
  | { kind: "exact"; value: string }
  | { kind: "fuzzy"; value: string }
  | { kind: "range"; min?: string; max?: string }
  | { kind: "all" | "any"; values: string[] };
export type QueryKind = QueryTerm["kind"];

const badQuery = (message: string) => new AppError("validation_error", `q: ${message}`, "q");

function parseTerm(raw: string): QueryTerm {
  if (raw.startsWith("~")) return { kind: "fuzzy", value: raw.slice(1) };
  if (raw.startsWith("[") && raw.endsWith("]")) {
    const inner = raw.slice(1, -1);
    const sep = inner.indexOf("~");
    if (sep < 0) throw badQuery(`range "${raw}" must look like [min~max]`);
    const min = inner.slice(0, sep).trim();
    const max = inner.slice(sep + 1).trim();
    return { kind: "range", ...(min ? { min } : {}), ...(max ? { max } : {}) };
  }
  const list = /^\{(.*)\}$/.exec(raw) ?? /^\((.*)\)$/.exec(raw);
  if (list) return { kind: raw.startsWith("{") ? "all" : "any", values: list[1].split(/\s+/).filter(Boolean) };
  return { kind: "exact", value: raw };
}

/** Parses `q`; a malformed term is a 400 naming `q`. */
export function parseQuery(q: string | null | undefined): Map<string, QueryTerm> {
  const terms = new Map<string, QueryTerm>();
  if (!q || q.trim() === "") return terms;
  for (const part of q.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? "" : part.slice(0, eq).trim();
    if (!key) throw badQuery(`"${part}" is not key=value`);
    if (terms.has(key)) throw badQuery(`${key} is given twice`);
    terms.set(key, parseTerm(part.slice(eq + 1).trim()));
  }
  return terms;
}

/** Refuses keys and match kinds an endpoint does not support, saying what it does support. */
export function checkQuery(terms: Map<string, QueryTerm>, supported: Record<string, readonly QueryKind[]>): void {
  for (const [key, term] of terms) {
    const kinds = supported[key];
    if (!kinds) {
      const keys = Object.keys(supported);
      throw badQuery(
        keys.length ? `unsupported key ${key}; supported: ${keys.join(", ")}` : `filtering is not supported here`,
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
    all: "a list (k={a b})",
    any: "a list (k=(a b))",
  }[kind];
}

export type SortKey = { field: string; desc: boolean };

/** Parses Harbor's `sort=-creation_time,name`; unknown fields are a 400 naming `sort`. */
export function parseSort(sort: string | null | undefined, fields: readonly string[]): SortKey[] {
  if (!sort || sort.trim() === "") return [];
  return sort
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => {
      const t = s.trim();
      const desc = t.startsWith("-");
      const field = t.replace(/^[-+]/, "");
      if (!fields.includes(field))
        throw new AppError(
          "validation_error",
          `sort: cannot sort by ${field}; use ${fields.join(", ")} (prefix - for descending)`,
          "sort",
        );
      return { field, desc };
    });
}
