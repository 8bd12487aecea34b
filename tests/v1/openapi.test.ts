import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { GET as getDocument } from "@/app/api/openapi.json/route";
import ApiDocsPage from "@/app/api-docs/page";
import * as destinations from "@/app/v1/destinations/route";
import { createApiKeySchema } from "@/lib/api-keys/service";
import { errorBody } from "@/lib/api/error-response";
import { harborErrorSchema, v1ErrorSchema } from "@/lib/api/schemas";
import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { destinationCreateSchema, destinationUpdateSchema } from "@/lib/destinations/schemas";
import { getDb } from "@/lib/db/client";
import { ingestEvent } from "@/lib/events/ingest";
import { registryEnvelopeSchema } from "@/lib/events/registry";
import { sampleEvent } from "@/lib/events/samples";
import { harborEventInputSchema } from "@/lib/events/types";
import {
  executionPatchSchema,
  harborMemberInputSchema,
  harborMemberUpdateSchema,
  harborProjectInputSchema,
  harborUserInputSchema,
  redeliverRangeSchema,
  resumeTargetsSchema,
} from "@/lib/harbor-api/inputs";
import {
  supportedWebhookEvents,
  toHarborApiKey,
  toHarborExecution,
  toHarborMember,
  toHarborProject,
  toHarborTask,
  toHarborUser,
} from "@/lib/harbor-api/mappers";
import { harborLastTriggers } from "@/lib/harbor-api/last-trigger";
import { listExecutions } from "@/lib/history/queries";
import { openApiDocument, type OpenApiDocument } from "@/lib/openapi/document";
import { harborPasswordReqSchema, harborSysadminFlagSchema } from "@/lib/users/schemas";
import { stripSafeIntegerBounds } from "@/lib/shared/json-schema";
import * as harbor from "@/lib/harbor-api/schemas";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { createPolicy, findPolicy } from "@/lib/policies/service";
import { requireProject } from "@/lib/auth/access";
import { toHarborPolicy } from "@/lib/policies/view";
import { makeApiKey, makeProject, makeUser } from "../helpers/fixtures";
import { call } from "../helpers/http";

const doc = openApiDocument();
const METHODS = ["get", "post", "put", "patch", "delete"];

function resolveRef(ref: string): unknown {
  expect(ref.startsWith("#/")).toBe(true);
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

function* refsIn(node: unknown): Generator<string> {
  if (Array.isArray(node)) for (const n of node) yield* refsIn(n);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") yield v;
      else yield* refsIn(v);
    }
  }
}

/** Every route handler file of the machine-facing APIs, as `METHOD /path/{param}`. */
function routesOnDisk(): string[] {
  const root = path.resolve(__dirname, "../../app");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(root, dir).split(path.sep);
        if (rel.some((s) => s.startsWith("[..."))) continue; // catch-all 404s
        const apiPath = "/" + rel.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/");
        const source = fs.readFileSync(full, "utf8");
        for (const m of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g))
          out.push(`${m[1]} ${apiPath}`);
      }
    }
  };
  for (const dir of ["api/v2.0", "v1", "service"]) walk(path.join(root, dir));
  return out.sort();
}

function routesInDocument(d: OpenApiDocument): string[] {
  return Object.entries(d.paths)
    .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe("OpenAPI document", () => {
  it("is served at /api/openapi.json as OpenAPI 3.1 JSON", async () => {
    const res = await call(getDocument, { path: "/api/openapi.json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const parsed = JSON.parse(res.text) as OpenApiDocument;
    expect(parsed.openapi).toBe("3.1.0");
    expect(parsed).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it("speaks of the product only: no file of the repository, nothing outside it", async () => {
    const served = (await call(getDocument, { path: "/api/openapi.json" })).text;
    const strings: string[] = [];
    JSON.parse(served, (key, value) => {
      strings.push(key);
      if (typeof value === "string") strings.push(value);
      return value;
    });
    const REPOSITORY_MENTIONS = [
      /\.\.\//, // ../ relative paths
      /shared\/spec/,
      /\.(txt|md|ts|tsx|mjs|prisma|sql)\b/,
      /(^|[^\w/.-])(lib|app|tests|scripts|prisma|components|docs|e2e)\//,
    ];
    const mentions = strings.filter((text) => REPOSITORY_MENTIONS.some((re) => re.test(text)));
    expect(mentions).toEqual([]);
    // The patterns do catch what they are for.
    for (const probe of ["see ../shared/spec/destinations-api.txt", "in lib/openapi/document.ts", "app/v1/x"])
      expect(REPOSITORY_MENTIONS.some((re) => re.test(probe))).toBe(true);
  });

  it("documents every route there is, and no route that is not there", () => {
    const onDisk = routesOnDisk();
    expect(onDisk.length).toBeGreaterThan(30);
    expect(routesInDocument(doc)).toEqual(onDisk);
  });

  it("is well-formed: refs resolve, path parameters are declared, operation ids are unique, schemas compile", () => {
    for (const ref of refsIn(doc)) expect(resolveRef(ref), ref).toBeDefined();
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths)) {
      const declared = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method];
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(op.tags.every((t) => doc.tags.some((tag) => tag.name === t))).toBe(true);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        const params = (op.parameters ?? []).map((x) =>
          "$ref" in x ? (resolveRef(x.$ref) as { name: string; in: string }) : x,
        );
        const pathParams = params
          .filter((x) => x.in === "path")
          .map((x) => x.name)
          .sort();
        expect(pathParams, `${method} ${p}`).toEqual([...declared].sort());
      }
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile(schema), name).not.toThrow();
    }
  });

  it("request bodies are the JSON Schema of the zod schemas the routes validate with", () => {
    const table: [string, string, z.ZodType][] = [
      ["post", "/v1/destinations", destinationCreateSchema],
      ["patch", "/v1/destinations/{id}", destinationUpdateSchema],
      ["post", "/v1/events", harborEventInputSchema],
      ["post", "/service/notifications", registryEnvelopeSchema],
      ["post", "/api/v2.0/projects/{project_name_or_id}/webhook/policies", policyInputSchema],
      ["put", "/api/v2.0/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}", policyInputSchema],
      ["post", "/api/v2.0/projects", harborProjectInputSchema],
      ["post", "/api/v2.0/projects/{project_name_or_id}/members", harborMemberInputSchema],
      ["put", "/api/v2.0/projects/{project_name_or_id}/members/{mid}", harborMemberUpdateSchema],
      ["post", "/api/v2.0/users", harborUserInputSchema],
      ["put", "/api/v2.0/users/{user_id}/password", harborPasswordReqSchema],
      ["put", "/api/v2.0/users/{user_id}/sysadmin", harborSysadminFlagSchema],
      ["post", "/api/v2.0/projects/{project_name_or_id}/api-keys", createApiKeySchema],
      [
        "patch",
        "/api/v2.0/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}",
        executionPatchSchema,
      ],
      [
        "post",
        "/api/v2.0/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/redeliver",
        redeliverRangeSchema,
      ],
      [
        "post",
        "/api/v2.0/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/resume",
        resumeTargetsSchema,
      ],
      // The instance-wide webhook API takes the same bodies.
      ["post", "/api/v2.0/system/webhook/policies", policyInputSchema],
      ["put", "/api/v2.0/system/webhook/policies/{webhook_policy_id}", policyInputSchema],
      [
        "patch",
        "/api/v2.0/system/webhook/policies/{webhook_policy_id}/executions/{execution_id}",
        executionPatchSchema,
      ],
      ["post", "/api/v2.0/system/webhook/policies/{webhook_policy_id}/redeliver", redeliverRangeSchema],
      ["post", "/api/v2.0/system/webhook/policies/{webhook_policy_id}/resume", resumeTargetsSchema],
    ];
    for (const [method, p, schema] of table) {
      const body = doc.paths[p]?.[method]?.requestBody;
      expect(body, `${method} ${p}`).toBeDefined();
      const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, {
        io: "input",
        unrepresentable: "any",
      }) as Record<string, unknown>;
      for (const media of Object.values(body!.content)) {
        const documented = media.schema.$ref ? resolveRef(media.schema.$ref as string) : media.schema;
        expect(documented, `${method} ${p}`).toEqual(stripSafeIntegerBounds(expected));
        // The example is one the route accepts, as it stands.
        const accepted = schema.safeParse(media.example);
        expect(accepted.success, `${method} ${p}: ${JSON.stringify(accepted.error?.issues[0])}`).toBe(true);
      }
    }
    // Every documented request body is in the table.
    const withBodies = Object.entries(doc.paths).flatMap(([p, item]) =>
      METHODS.filter((m) => item[m]?.requestBody).map((m) => `${m} ${p}`),
    );
    expect(withBodies.sort()).toEqual(table.map(([m, p]) => `${m} ${p}`).sort());
  });

  it("the error body schemas match what errorBody builds, for every error code", () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(v1ErrorSchema.strict().parse(errorBody("v1", code, "m", "f"))).toEqual({
        error: { code, message: "m", field: "f" },
      });
      v1ErrorSchema.strict().parse(errorBody("v1", code, "m"));
      harborErrorSchema.strict().parse(errorBody("harbor", code, "m"));
    }
  });

  it("the v1 response schemas accept what the routes answer", async () => {
    const project = await makeProject();
    const { key } = await makeApiKey(project.id);
    const res = await call(destinations.POST, {
      path: "/v1/destinations",
      key,
      body: { url: "http://127.0.0.1:9/x", metadata: { a: 1 } },
    });
    expect(res.status).toBe(201);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    for (const name of Object.keys(doc.components.schemas))
      ajv.addSchema(doc.components.schemas[name], `#/components/schemas/${name}`);
    const validate = (name: string, value: unknown) => {
      const v = ajv.getSchema(`#/components/schemas/${name}`)!;
      expect(v(value), `${name}: ${JSON.stringify(v.errors)}`).toBe(true);
    };
    validate("CreatedDestination", res.json);
    const list = await call(destinations.GET, { path: "/v1/destinations", key });
    validate("DestinationPage", list.json);
    // And a missing field is caught: the schemas are not vacuous.
    const { url: _url, ...withoutUrl } = res.json as Record<string, unknown>;
    expect(ajv.getSchema("#/components/schemas/CreatedDestination")!(withoutUrl)).toBe(false);
  });

  it("the Harbor response schemas match what the Harbor API's mappers produce (strictly)", async () => {
    const { user, actor } = await makeUser({ sysadmin: true });
    const project = await makeProject({ [user.id]: "projectAdmin" });
    const input = policyInputSchema.parse({
      name: "doc",
      event_types: ["PUSH_ARTIFACT"],
      targets: [
        { type: "http", address: "http://127.0.0.1:9/x", auth_header: "Bearer x" },
        { type: "slack", address: "http://127.0.0.1:9/s" },
      ],
      retry_policy: { max_attempts: 2 },
    });
    const { policy } = await createPolicy(await requireProject(actor, project.id, "webhook.manage"), input);
    await ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" });
    const full = (await findPolicy(project.id, policy.id))!;
    harbor.harborPolicySchema.parse(toHarborPolicy(full, { showSecretsMasked: true }));
    harbor.harborPolicySchema.parse(toHarborPolicy(full, { showSecretsMasked: false }));
    const { items } = await listExecutions(policy.id, { page: 1, pageSize: 10 });
    expect(items.length).toBe(2);
    for (const e of items) harbor.harborExecutionSchema.parse(toHarborExecution(e));
    const db = await getDb();
    const tasks = await db.task.findMany({ where: { policyId: policy.id }, include: { attempts: true } });
    for (const t of tasks) harbor.harborTaskSchema.parse(toHarborTask(t, t.attempts));
    harbor.harborProjectSchema.parse(toHarborProject(project, "projectAdmin"));
    harbor.harborProjectSchema.parse(toHarborProject(project, undefined));
    harbor.harborMemberSchema.parse(
      toHarborMember({
        id: 1,
        projectId: project.id,
        kind: "user",
        entityId: user.id,
        name: user.username,
        role: "maintainer",
      }),
    );
    harbor.harborMemberSchema.parse(
      toHarborMember({ id: 2, projectId: project.id, kind: "group", entityId: 1, name: "devs", role: "developer" }),
    );
    harbor.harborUserSchema.parse(toHarborUser(user));
    const { row } = await makeApiKey(project.id, "live");
    harbor.harborApiKeySchema.parse(toHarborApiKey(row));
    harbor.harborWebhookEventsSchema.parse(supportedWebhookEvents());
    const triggers = await harborLastTriggers(project.id);
    expect(triggers.length).toBe(1);
    for (const t of triggers) harbor.harborLastTriggerSchema.parse(t);
  });

  it("every operation has a copy-paste curl command and JSON examples", () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const op = item[method];
        const where = `${method} ${p}`;
        const curl = op["x-codeSamples"]?.[0];
        expect(curl?.label, where).toBe("curl");
        expect(curl!.source.startsWith(`curl -X ${method.toUpperCase()} "$HARBOR_URL/`), where).toBe(true);
        expect(curl!.source, where).not.toMatch(/\{\w+\}/); // path parameters filled in
        if (op.security?.some((s) => "ApiKey" in s) && p.includes("{project_name_or_id}"))
          expect(curl!.source, where).toContain('-H "Authorization: Bearer $API_KEY"');
        if (p.startsWith("/v1/")) expect(curl!.source, where).toContain('-H "Authorization: Bearer $API_KEY"');
        if (op.requestBody) {
          const example = Object.values(op.requestBody.content)[0].example;
          expect(example, where).toBeDefined();
          // The curl command sends exactly that body.
          const sent = curl!.source.match(/-d '([\s\S]*)'$/)?.[1];
          expect(JSON.parse(sent ?? "null"), where).toEqual(example);
        }
        for (const [status, res] of Object.entries(op.responses)) {
          if (status.startsWith("2") && res.content) {
            for (const media of Object.values(res.content)) expect(media.example, `${where} ${status}`).toBeDefined();
          }
        }
      }
    }
    const events = doc.paths["/v1/events"].post["x-codeSamples"]![0].source;
    expect(events).toContain('curl -X POST "$HARBOR_URL/v1/events"');
    expect(events).toContain('"type": "PUSH_ARTIFACT"');
    expect(doc.paths["/service/notifications"].post["x-codeSamples"]![0].source).toContain(
      '-H "Authorization: Bearer $REGISTRY_TOKEN"',
    );
  });

  it("no meaningless bounds: ±9007199254740991 appears neither in the document nor on /api-docs", async () => {
    const served = (await call(getDocument, { path: "/api/openapi.json" })).text;
    expect(served).not.toContain("9007199254740991");
    const html = renderToStaticMarkup(createElement(ApiDocsPage));
    expect(html).not.toContain("9007199254740991");
    // Declared bounds stay.
    expect(JSON.stringify(doc.components.parameters.Limit.schema)).toContain('"maximum":100');
    expect(stripSafeIntegerBounds({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).toEqual({
      type: "integer",
      minimum: 0,
    });
  });

  it("/api-docs shows the curl command and the JSON example of each operation", () => {
    const html = renderToStaticMarkup(createElement(ApiDocsPage));
    const curlBlocks = html.match(/data-testid="curl-example"/g) ?? [];
    expect(curlBlocks).toHaveLength(routesInDocument(doc).length);
    expect(html).toContain("curl -X POST &quot;$HARBOR_URL/v1/events&quot;");
    expect(html).toContain("Authorization: Bearer $API_KEY");
    expect(html).toContain("&quot;event_data&quot;");
    expect(html).toContain("idempotency_key_reused");
    expect(html).toContain("X-Harbor-Notifier-Warning");
  });

  it("/api-docs renders every operation with its request and response schemas", () => {
    const html = renderToStaticMarkup(createElement(ApiDocsPage));
    for (const route of routesInDocument(doc)) {
      const [method, p] = route.split(" ");
      expect(html, route).toContain(
        `id="${method.toLowerCase()}-${p.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}"`,
      );
      expect(html).toContain(p.replace(/&/g, "&amp;"));
    }
    // Field names of request and response schemas, and the error codes of the spec.
    for (const text of [
      "signing_secret",
      "next_cursor",
      "retry_policy",
      "event_data",
      "payload_format",
      "invalid_url",
      "url_not_reachable",
      "over_destination_limit",
      "invalid_cursor",
      "destination_not_found",
      "metadata_too_large",
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/<script\b/);
  });
});
