// Classes of hostile input, each answered with a clear 400 (or 409) naming the field, the same on
// SQLite and PostgreSQL: query keys named like Object.prototype members, JSON nested thousands of
// levels deep, NUL characters in query parameters, and names that look like other names.
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as projects from "@/app/api/v2.0/projects/route";
import * as members from "@/app/api/v2.0/projects/[project_name_or_id]/members/route";
import * as apiKeys from "@/app/api/v2.0/projects/[project_name_or_id]/api-keys/route";
import * as policies from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/route";
import * as executions from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/route";
import * as tasks from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/policies/[webhook_policy_id]/executions/[execution_id]/tasks/route";
import * as jobs from "@/app/api/v2.0/projects/[project_name_or_id]/webhook/jobs/route";
import * as users from "@/app/api/v2.0/users/route";
import * as destinations from "@/app/v1/destinations/route";
import * as v1Events from "@/app/v1/events/route";
import * as registry from "@/app/service/notifications/route";
import { resetEnvCache } from "@/lib/config/env";
import { MAX_JSON_DEPTH } from "@/lib/api/body";
import { parseInput } from "@/lib/api/input";
import { getDb } from "@/lib/db/client";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { makeDelivery, makePolicy } from "../harbor-api/helpers";
import { DEAD_URL, makeApiKey, makeProject, makeUser, uid } from "../helpers/fixtures";
import { call, expectHarborError, expectV1Error, type Handler } from "../helpers/http";
import { signedIn } from "../helpers/session-mock";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

let w: Awaited<ReturnType<typeof world>>;
async function world() {
  const sys = await makeUser({ sysadmin: true });
  const project = await makeProject();
  const policy = await makePolicy(sys.actor, project);
  const delivery = await makeDelivery(policy, { status: "Error" });
  const { key } = await makeApiKey(project.id, "test");
  return { sys, project, policy, delivery, key };
}
beforeAll(async () => {
  w = await world();
});

type Route = { name: string; handler: Handler<Record<string, string>>; path: string; params: Record<string, string> };
/** Every Harbor list endpoint that reads `q`. */
function harborLists(): Route[] {
  const pp = { project_name_or_id: w.project.name };
  const base = `/api/v2.0/projects/${w.project.name}`;
  const wp = { ...pp, webhook_policy_id: String(w.policy.id) };
  return [
    { name: "projects", handler: projects.GET, path: "/api/v2.0/projects", params: {} },
    { name: "policies", handler: policies.GET, path: `${base}/webhook/policies`, params: pp },
    {
      name: "executions",
      handler: executions.GET,
      path: `${base}/webhook/policies/${w.policy.id}/executions`,
      params: wp,
    },
    {
      name: "tasks",
      handler: tasks.GET,
      path: `${base}/webhook/policies/${w.policy.id}/executions/${w.delivery.execution.id}/tasks`,
      params: { ...wp, execution_id: String(w.delivery.execution.id) },
    },
    { name: "jobs", handler: jobs.GET, path: `${base}/webhook/jobs?policy_id=${w.policy.id}`, params: pp },
  ];
}
/** Every list endpoint, whatever it filters by. */
function allLists(): Route[] {
  const pp = { project_name_or_id: w.project.name };
  const base = `/api/v2.0/projects/${w.project.name}`;
  return [
    ...harborLists(),
    { name: "members", handler: members.GET, path: `${base}/members`, params: pp },
    { name: "api-keys", handler: apiKeys.GET, path: `${base}/api-keys`, params: pp },
  ];
}
const withQuery = (path: string, query: string) => `${path}${path.includes("?") ? "&" : "?"}${query}`;

const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype"];

describe("q keys named like Object.prototype members", () => {
  it("are unknown filter keys: a 400 naming q on every list that reads q", async () => {
    signedIn.uid = w.sys.user.id;
    for (const route of harborLists())
      for (const key of PROTOTYPE_KEYS)
        for (const term of [`${key}=x`, `${key}=~x`, `${key}=[1~2]`, `${key}={a b}`, `name=~x,${key}=1`]) {
          const res = await call(route.handler, withQuery(route.path, `q=${encodeURIComponent(term)}`), {
            params: route.params,
          });
          expect(res.status, `${route.name} q=${term}: ${res.text}`).toBe(400);
          expectHarborError(res, 400, "BAD_REQUEST", /^q: (unsupported key|filtering is not supported)/);
        }
  });

  it("as query parameter names are ignored, as every unknown parameter is (never a 5xx)", async () => {
    signedIn.uid = w.sys.user.id;
    for (const route of allLists())
      for (const key of PROTOTYPE_KEYS) {
        const res = await call(route.handler, withQuery(route.path, `${key}=1`), { params: route.params });
        expect(res.status, `${route.name} ${key}=1: ${res.text}`).toBeLessThan(500);
      }
    const v1 = await call(destinations.GET, "/v1/destinations?__proto__=1&constructor=x", { key: w.key });
    expect(v1.status).toBe(200);
  });
});

describe(`JSON nested deeper than MAX_JSON_DEPTH (${MAX_JSON_DEPTH})`, () => {
  const nestedObject = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
  const nestedArray = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
  const event = (extra: string) =>
    `{"type":"PUSH_ARTIFACT","operator":"ci","event_data":{"resources":[{"tag":"v1","digest":"sha256:1","resource_url":"r/a:v1"}],` +
    `"repository":{"name":"a","namespace":"${w.project.name}","repo_full_name":"${w.project.name}/a","repo_type":"private"},"extra":${extra}}}`;

  it.each([
    ["an object", nestedObject],
    ["an array", nestedArray],
  ])("event_data holding %s thousands of levels deep is a 400 naming event_data", async (_kind, nested) => {
    for (const levels of [MAX_JSON_DEPTH, 5_000, 100_000]) {
      const res = await call(v1Events.POST, "/v1/events", { key: w.key, body: event(nested(levels)) });
      expectV1Error(res, 400, "validation_error", "event_data");
      expect((res.json as { error: { message: string } }).error.message).toContain(
        `more than ${MAX_JSON_DEPTH} levels`,
      );
    }
  });

  it("event_data within the limit is accepted", async () => {
    // body (1) → event_data (2) → extra (3): 29 more levels make 32.
    const res = await call(v1Events.POST, "/v1/events", { key: w.key, body: event(nestedObject(MAX_JSON_DEPTH - 3)) });
    expect(res.status, res.text).toBe(202);
  });

  it("destination metadata thousands of levels deep is a 400 naming metadata (was a RangeError 500)", async () => {
    const body = `{"url":"${DEAD_URL}","name":"deep","metadata":${nestedObject(5_000)}}`;
    const res = await call(destinations.POST, "/v1/destinations", { key: w.key, body });
    expectV1Error(res, 400, "validation_error", "metadata");
  });

  it("a Harbor body nested too deep is a 400 in Harbor's shape, though Harbor's API ignores unknown fields", async () => {
    signedIn.uid = w.sys.user.id;
    const body = `{"name":"deep-${uid()}","event_types":["PUSH_ARTIFACT"],"targets":[{"type":"http","address":"${DEAD_URL}"}],"x":${nestedArray(100_000)}}`;
    const res = await call(policies.POST, `/api/v2.0/projects/${w.project.name}/webhook/policies`, {
      params: { project_name_or_id: w.project.name },
      body,
    });
    expectHarborError(res, 400, "BAD_REQUEST", /^x: JSON nested more than 32 levels deep/);
  });

  it("server action arguments are held to the same depth, cycles included", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(() => parseInput(policyInputSchema, { name: "x", description: deep })).toThrow(/description: JSON nested/);
    const cycle: Record<string, unknown> = { name: "x" };
    cycle.self = cycle;
    cycle.other = cycle;
    expect(() => parseInput(policyInputSchema, cycle)).toThrow(/nested more than 32 levels|Choose|Enter|Send/);
  });
});

describe("NUL characters in query parameters", () => {
  it("a NUL in a name filter is the same 400 naming the parameter (PostgreSQL answered 500, SQLite matched everything)", async () => {
    signedIn.uid = w.sys.user.id;
    const res = await call(projects.GET, "/api/v2.0/projects?name=a%00b", {});
    expectHarborError(res, 400, "BAD_REQUEST", /^name: contains a NUL character/);
  });

  it("is refused in any parameter of any route, by name", async () => {
    signedIn.uid = w.sys.user.id;
    for (const route of allLists())
      for (const param of ["name", "q", "sort", "page", "page_size", "status", "anything"]) {
        const res = await call(route.handler, withQuery(route.path, `${param}=x%00`), { params: route.params });
        expectHarborError(res, 400, "BAD_REQUEST", new RegExp(`^${param}: contains a NUL character`));
      }
    for (const query of ["cursor=%00", "limit=1%00", "status=active%00", "x%00=1"]) {
      const res = await call(destinations.GET, `/v1/destinations?${query}`, { key: w.key });
      expect(res.status, query).toBe(400);
      expect((res.json as { error: { field: string } }).error.field).toBe(
        query.startsWith("x") ? "query" : query.split("=")[0],
      );
    }
  });

  it("is refused in stored JSON strings (names, descriptions)", async () => {
    const res = await call(destinations.POST, "/v1/destinations", {
      key: w.key,
      body: { url: DEAD_URL, name: "a\u0000b" },
    });
    expect(res.status).toBe(400);
    signedIn.uid = w.sys.user.id;
    const pol = await call(policies.POST, `/api/v2.0/projects/${w.project.name}/webhook/policies`, {
      params: { project_name_or_id: w.project.name },
      body: {
        name: "n",
        description: "a\u0000",
        event_types: ["PUSH_ARTIFACT"],
        targets: [{ type: "http", address: DEAD_URL }],
      },
    });
    expect(pol.status).toBe(400);
  });
});

describe("names that look like other names", () => {
  const createPolicy = (project: { name: string }, name: string) =>
    call(policies.POST, `/api/v2.0/projects/${project.name}/webhook/policies`, {
      params: { project_name_or_id: project.name },
      body: { name, event_types: ["PUSH_ARTIFACT"], targets: [{ type: "http", address: DEAD_URL }] },
    });

  it("are stored in NFC: the decomposed spelling of a name is the same name (409)", async () => {
    signedIn.uid = w.sys.user.id;
    const project = await makeProject();
    const composed = "caf\u00e9";
    const decomposed = "cafe\u0301";
    expect((await createPolicy(project, decomposed)).status).toBe(201);
    const db = await getDb();
    const stored = await db.webhookPolicy.findFirstOrThrow({ where: { projectId: project.id, kind: "policy" } });
    expect(stored.name).toBe(composed);
    expectHarborError(
      await createPolicy(project, composed),
      409,
      "CONFLICT",
      `A webhook named "${composed}" already exists in this project. Choose another name.`,
    );
  });

  it("full-width and other compatibility forms of an existing name are look-alikes (409)", async () => {
    signedIn.uid = w.sys.user.id;
    const project = await makeProject();
    expect((await createPolicy(project, "deploy-app")).status).toBe(201);
    for (const lookAlike of ["ｄｅｐｌｏｙ-ａｐｐ", "deploy\uff0dapp", "\uff44eploy-app"]) {
      const res = await createPolicy(project, lookAlike);
      expectHarborError(res, 409, "CONFLICT", /"deploy-app" already exists/);
    }
  });

  it.each([
    ["a zero-width space", "deploy\u200bapp"],
    ["a zero-width joiner", "deploy\u200dapp"],
    ["a byte order mark", "deploy\ufeffapp"],
    ["a right-to-left override", "deploy\u202eppa"],
    ["a left-to-right isolate", "\u2066deploy\u2069"],
    ["a right-to-left mark", "deploy\u200f"],
    ["a Hangul filler", "deploy\u3164"],
    ["a tab", "deploy\tapp"],
  ])("with %s are refused with a 400 naming the field", async (_what, name) => {
    signedIn.uid = w.sys.user.id;
    expectHarborError(
      await createPolicy(w.project, name),
      400,
      "BAD_REQUEST",
      /^name: Remove the invisible or text-direction characters/,
    );
    const dest = await call(destinations.POST, "/v1/destinations", { key: w.key, body: { url: DEAD_URL, name } });
    expectV1Error(dest, 400, "validation_error", "name");
    const key = await call(apiKeys.POST, `/api/v2.0/projects/${w.project.name}/api-keys`, {
      params: { project_name_or_id: w.project.name },
      body: { mode: "test", name },
    });
    expectHarborError(key, 400, "BAD_REQUEST", /^name: Remove the invisible/);
  });

  it("destination and API key names are stored in NFC", async () => {
    const dest = await call(destinations.POST, "/v1/destinations", {
      key: w.key,
      body: { url: DEAD_URL, name: "cafe\u0301" },
    });
    expect(dest.status).toBe(201);
    expect((dest.json as { name: string }).name).toBe("caf\u00e9");
  });

  it("project and user names keep to ASCII, so no look-alike gets in there", async () => {
    signedIn.uid = w.sys.user.id;
    for (const name of ["ｌｉｂｒａｒｙ", "lib\u200brary", "libr\u0430ry"]) {
      const res = await call(projects.POST, "/api/v2.0/projects", { body: { project_name: name } });
      expect(res.status, name).toBe(400);
      const user = await call(users.POST, "/api/v2.0/users", {
        body: { username: name, password: "Passw0rd-long", email: "x@example.com", realname: "x" },
      });
      expect(user.status, name).toBe(400);
    }
  });
});

describe("out-of-range numbers", () => {
  const event = (occurAt: number) => ({
    type: "PUSH_ARTIFACT",
    occur_at: occurAt,
    operator: "ci",
    event_data: {
      resources: [{ tag: "v1", digest: "sha256:1", resource_url: "r/a:v1" }],
      repository: { name: "a", namespace: w.project.name, repo_full_name: `${w.project.name}/a`, repo_type: "private" },
    },
  });

  it("occur_at past 32 bits is stored (64-bit column); beyond 9999 or in milliseconds it is a 400 naming occur_at", async () => {
    for (const occurAt of [253_402_300_800, Date.now()]) {
      const res = await call(v1Events.POST, "/v1/events", { key: w.key, body: event(occurAt) });
      expectV1Error(res, 400, "validation_error", "occur_at");
    }
    for (const occurAt of [2 ** 31, 253_402_300_799]) {
      const res = await call(v1Events.POST, "/v1/events", { key: w.key, body: event(occurAt) });
      expect(res.status, res.text).toBe(202);
    }
  });

  it("a registry timestamp outside 1970 to 9999 skips that event with the field at fault, never a 5xx", async () => {
    const token = `hostile-${uid()}`;
    process.env.REGISTRY_NOTIFICATION_TOKEN = token;
    resetEnvCache();
    try {
      for (const timestamp of ["+010000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]) {
        const res = await call(registry.POST, "/service/notifications", {
          auth: `Bearer ${token}`,
          headers: { "content-type": "application/vnd.docker.distribution.events.v1+json" },
          body: {
            events: [
              {
                id: uid(),
                timestamp,
                action: "push",
                target: {
                  mediaType: "application/vnd.oci.image.manifest.v1+json",
                  digest: "sha256:" + "a".repeat(64),
                  repository: `${w.project.name}/app`,
                  tag: "v1",
                },
                request: { id: "r", addr: "127.0.0.1", host: "registry.local", method: "PUT", useragent: "t" },
                actor: { name: "alice" },
              },
            ],
          },
        });
        expect(res.status, `${timestamp}: ${res.text}`).toBe(202);
        expect(res.text).toContain("invalid_event");
        expect(res.text).toContain("must be a time from 1970 to 9999");
      }
    } finally {
      delete process.env.REGISTRY_NOTIFICATION_TOKEN;
      resetEnvCache();
    }
  });
});
