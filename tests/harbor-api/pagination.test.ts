// The helpers every list endpoint shares: page/page_size, Harbor's Link header, q and sort, and
// the PUT rule for missing auth headers.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { paginationLink, parsePaging, sliceToPage } from "@/lib/api/pagination";
import { keepMissingAuthHeaders } from "@/lib/harbor-api/inputs";
import { HARBOR_ZERO_TIME, harborTime } from "@/lib/harbor-api/mappers";
import { checkQuery, parseInstant, parseQuery, parseSort, queryConditions } from "@/lib/harbor-api/query";
import { SECRET_MASK } from "@/lib/shared/policy-input";
import {
  EXECUTION_QUERY_FIELDS,
  EXECUTION_SORT_FIELDS,
  TASK_QUERY_FIELDS,
  TASK_SORT_FIELDS,
} from "@/lib/harbor-api/list-fields";
import { openApiDocument } from "@/lib/openapi/document";

function errorOf(fn: () => unknown): { code: string; message: string; field?: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message, field: e.field };
    throw e;
  }
}

describe("parsePaging", () => {
  it.each([
    ["", { page: 1, pageSize: 10 }],
    ["page=3&page_size=25", { page: 3, pageSize: 25 }],
    ["page=&page_size=", { page: 1, pageSize: 10 }],
    ["page_size=100", { page: 1, pageSize: 100 }],
  ])("%j → %j", (query, expected) => {
    expect(parsePaging(new URLSearchParams(query))).toEqual(expected);
  });

  it.each([
    ["page_size=101", "page_size: must be at most 100", "page_size"],
    ["page_size=0", "page_size: must be at least 1", "page_size"],
    ["page=-2", "page: must be at least 1", "page"],
    ["page=1.5", "page: must be a whole number", "page"],
    ["page=x", "page: must be a whole number", "page"],
  ])("%j is a 400 naming the parameter", (query, message, field) => {
    expect(errorOf(() => parsePaging(new URLSearchParams(query)))).toEqual({
      code: "validation_error",
      message,
      field,
    });
  });

  it("slices in-memory lists", () => {
    expect(sliceToPage([1, 2, 3, 4, 5], { page: 2, pageSize: 2 })).toEqual([3, 4]);
    expect(sliceToPage([1, 2, 3], { page: 5, pageSize: 2 })).toEqual([]);
  });
});

describe("paginationLink (Harbor's Link header)", () => {
  const url = new URL("http://h/api/v2.0/projects/p/webhook/policies?q=name%3D~ci&page=2&page_size=10");
  it.each([
    [
      { page: 2, pageSize: 10 },
      35,
      '</api/v2.0/projects/p/webhook/policies?q=name%3D%7Eci&page=1&page_size=10>; rel="prev" , </api/v2.0/projects/p/webhook/policies?q=name%3D%7Eci&page=3&page_size=10>; rel="next"',
    ],
    [
      { page: 1, pageSize: 10 },
      35,
      '</api/v2.0/projects/p/webhook/policies?q=name%3D%7Eci&page=2&page_size=10>; rel="next"',
    ],
    [
      { page: 4, pageSize: 10 },
      35,
      '</api/v2.0/projects/p/webhook/policies?q=name%3D%7Eci&page=3&page_size=10>; rel="prev"',
    ],
    [{ page: 1, pageSize: 10 }, 10, undefined],
    [{ page: 1, pageSize: 10 }, 0, undefined],
    // far past the end: no prev either, as Harbor
    [{ page: 9, pageSize: 10 }, 35, undefined],
  ])("%j of %i", (paging, total, expected) => {
    expect(paginationLink(url, paging, total)).toBe(expected);
  });
});

describe("parseQuery (Harbor's q)", () => {
  it("parses every kind of term", () => {
    const q = parseQuery("name=~ci, status=Error,start_time=[2020-01-01~2021-01-01],id={1 2},event_type=(A B),n=[~5]");
    expect(Object.fromEntries(q)).toEqual({
      name: { kind: "fuzzy", value: "ci" },
      status: { kind: "exact", value: "Error" },
      start_time: { kind: "range", min: "2020-01-01", max: "2021-01-01" },
      id: { kind: "any", values: ["1", "2"] },
      event_type: { kind: "all", values: ["A", "B"] },
      n: { kind: "range", max: "5" },
    });
    expect(parseQuery(null).size).toBe(0);
    expect(parseQuery("  ").size).toBe(0);
  });

  it.each([
    ["name", 'q: "name" is not key=value'],
    ["=x", 'q: "=x" is not key=value'],
    ["name=a,name=b", "q: name is given twice"],
    ["t=[a b]", 'q: range "[a b]" must look like [min~max]'],
  ])("%j is a 400 naming q", (q, message) => {
    expect(errorOf(() => parseQuery(q))).toEqual({ code: "validation_error", message, field: "q" });
  });

  it("refuses keys and kinds an endpoint does not support", () => {
    expect(errorOf(() => checkQuery(parseQuery("color=red"), { name: ["exact"] }))?.message).toBe(
      "q: unsupported key color; supported: name",
    );
    expect(errorOf(() => checkQuery(parseQuery("name=~x"), { name: ["exact"] }))?.message).toBe(
      "q: name supports exact match (k=v) only",
    );
    expect(errorOf(() => checkQuery(parseQuery("a=b"), {}))?.message).toBe("q: filtering is not supported here");
    expect(errorOf(() => checkQuery(parseQuery("name=~x"), { name: ["exact", "fuzzy"] }))).toBeUndefined();
  });
});

describe("parseQuery: Harbor's details", () => {
  it("reads {a b} as Harbor's union (any of) and (a b) as its intersection (all of)", () => {
    expect(Object.fromEntries(parseQuery("id={1  2 },status=(a b)"))).toEqual({
      id: { kind: "any", values: ["1", "2"] },
      status: { kind: "all", values: ["a", "b"] },
    });
  });

  it("strips the quotes around range and list values, and keeps a backslash-escaped exact value", () => {
    expect(
      Object.fromEntries(parseQuery(`t=['2020-04-09 02:36:00'~"2020-04-10 00:00:00"],s={"a" 'b'},n=\\~x`)),
    ).toEqual({
      t: { kind: "range", min: "2020-04-09 02:36:00", max: "2020-04-10 00:00:00" },
      s: { kind: "any", values: ["a", "b"] },
      n: { kind: "exact", value: "~x" },
    });
  });

  it("unescapes once more, as Harbor does for its UI's doubly encoded q, and keeps a literal %", () => {
    expect(Object.fromEntries(parseQuery("id%3D42"))).toEqual({ id: { kind: "exact", value: "42" } });
    expect(Object.fromEntries(parseQuery("status_message=~100%"))).toEqual({
      status_message: { kind: "fuzzy", value: "100%" },
    });
  });

  it("refuses a key inherited from Object.prototype like any unknown key", () => {
    expect(errorOf(() => checkQuery(parseQuery("constructor=x"), { name: ["exact"] }))?.message).toBe(
      "q: unsupported key constructor; supported: name",
    );
  });

  it("stays linear on hostile input", () => {
    const started = performance.now();
    for (const q of [
      `a=${"[".repeat(200_000)}`,
      `a={${"'".repeat(200_000)}x}`,
      `a=[${"'".repeat(200_000)}x~]`,
      `${",".repeat(200_000)}a=b`,
    ]) {
      try {
        parseQuery(q);
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
      }
    }
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("parseInstant (times in q)", () => {
  it.each([
    ["2020-04-09 02:36:00", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09T02:36:00", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09T02:36:00Z", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09T02:36:00.5Z", "2020-04-09T02:36:00.500Z"],
    ["2020-04-09T04:36:00+02:00", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09T04:36:00+0200", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09 00:36:00-02", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09 02:36", "2020-04-09T02:36:00.000Z"],
    ["2020-04-09", "2020-04-09T00:00:00.000Z"],
    ["1586399760", "2020-04-09T02:36:00.000Z"],
  ])("%s is %s", (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(["yesterday", "2020-02-30", "2020-13-01", "2020-04-09 24:00:00", "2020-04-09 02:60:00", "2020-4-9", ""])(
    "refuses %j",
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});

describe("queryConditions", () => {
  const fields = {
    id: { column: "id", type: "int", kinds: ["exact", "fuzzy", "range", "any"] },
    status: { column: "status", type: "text", kinds: ["exact", "fuzzy", "any"], values: ["Success", "Error"] },
    at: { column: "startTime", type: "time", kinds: ["range"] },
  } as const;

  it("turns terms into column conditions; a fuzzy match on an enumeration is the list of values containing it", () => {
    expect(queryConditions(parseQuery("id=[3~],status=~S,at=[~2020-04-09 02:36:00]"), fields)).toEqual([
      { column: "id", op: "gte", value: 3 },
      { column: "status", op: "in", values: ["Success"] },
      { column: "startTime", op: "lte", value: new Date("2020-04-09T02:36:00Z") },
    ]);
    expect(queryConditions(parseQuery("status=~r,id={1 2}"), fields)).toEqual([
      { column: "status", op: "in", values: ["Error"] },
      { column: "id", op: "in", values: [1, 2] },
    ]);
    expect(queryConditions(parseQuery("id=~x"), fields)).toEqual([{ op: "none" }]);
    expect(queryConditions(parseQuery("id=~12"), fields)).toEqual([{ column: "id", op: "contains", value: "12" }]);
  });
});

describe("parseSort", () => {
  it("reads fields and directions", () => {
    expect(parseSort("-creation_time,name", ["name", "creation_time"])).toEqual([
      { field: "creation_time", desc: true },
      { field: "name", desc: false },
    ]);
    expect(parseSort("", ["name"])).toEqual([]);
  });
  it("reads ascending and descending fields, as Harbor's sort=field1,-field2", () => {
    expect(parseSort("start_time,-id,+status", ["id", "start_time", "status"])).toEqual([
      { field: "start_time", desc: false },
      { field: "id", desc: true },
      { field: "status", desc: false },
    ]);
    expect(errorOf(() => parseSort("id,-id", ["id"]))).toEqual({
      code: "validation_error",
      message: "sort: id is given twice",
      field: "sort",
    });
  });
  it("refuses unknown fields", () => {
    expect(errorOf(() => parseSort("-size", ["name"]))).toEqual({
      code: "validation_error",
      message: "sort: cannot sort by size; use name (prefix - for descending)",
      field: "sort",
    });
  });
});

describe("keepMissingAuthHeaders", () => {
  it("fills the mask into http targets without auth_header, and leaves everything else alone", () => {
    const body = {
      name: "x",
      targets: [
        { type: "http", address: "https://a" },
        { type: "http", address: "https://b", auth_header: "" },
        { type: "http", address: "https://c", auth_header: "Bearer new" },
        { type: "slack", address: "https://d" },
      ],
    };
    expect(keepMissingAuthHeaders(body)).toEqual({
      name: "x",
      targets: [
        { type: "http", address: "https://a", auth_header: SECRET_MASK },
        { type: "http", address: "https://b", auth_header: "" },
        { type: "http", address: "https://c", auth_header: "Bearer new" },
        { type: "slack", address: "https://d" },
      ],
    });
    expect(keepMissingAuthHeaders("nope")).toBe("nope");
    expect(keepMissingAuthHeaders({ targets: "x" })).toEqual({ targets: "x" });
  });
});

describe("harborTime", () => {
  it("answers ISO times, and Go's zero time for none", () => {
    expect(harborTime(new Date("2026-03-04T05:06:07.089Z"))).toBe("2026-03-04T05:06:07.089Z");
    expect(harborTime(null)).toBe(HARBOR_ZERO_TIME);
    expect(HARBOR_ZERO_TIME).toBe("0001-01-01T00:00:00.000Z");
  });
});

describe("the OpenAPI document of the history lists", () => {
  const doc = openApiDocument();
  const base = "/api/v2.0/projects/{project_name_or_id}/webhook";
  const executions = `${base}/policies/{webhook_policy_id}/executions`;
  const tasks = `${executions}/{execution_id}/tasks`;
  const params = (path: string) =>
    (doc.paths[path].get.parameters ?? []).map((p) => ("$ref" in p ? p.$ref : `${p.name}${p.required ? "*" : ""}`));

  it("names every q key and sort field the lists accept, from the same tables", () => {
    for (const [path, fields, sort] of [
      [executions, EXECUTION_QUERY_FIELDS, EXECUTION_SORT_FIELDS],
      [tasks, TASK_QUERY_FIELDS, TASK_SORT_FIELDS],
    ] as const) {
      const text = doc.paths[path].get.description ?? "";
      for (const key of [...Object.keys(fields), ...Object.keys(sort)]) expect(text, path).toContain(`\`${key}\``);
      expect(params(path)).toEqual(
        expect.arrayContaining(["#/components/parameters/Q", "#/components/parameters/Sort"]),
      );
    }
    expect(doc.paths[executions].get.description).toContain("`id` (exact, fuzzy, range, list)");
  });

  it("documents the deprecated webhook/jobs list and repo_count", () => {
    const jobs = doc.paths[`${base}/jobs`].get;
    expect(jobs.deprecated).toBe(true);
    expect(params(`${base}/jobs`)).toEqual(expect.arrayContaining(["policy_id*", "status"]));
    expect(JSON.stringify(jobs.responses[200])).toContain("#/components/schemas/HarborWebhookJob");
    expect(Object.keys(doc.components.schemas.HarborWebhookJob.properties as object)).toEqual([
      "id",
      "policy_id",
      "event_type",
      "notify_type",
      "status",
      "job_detail",
      "creation_time",
      "update_time",
    ]);
    expect(doc.components.schemas.HarborProject.properties).toHaveProperty("repo_count");
  });
});
