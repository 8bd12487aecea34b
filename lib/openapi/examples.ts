import { sampleEvent } from "@/lib/events/samples";
import { REGISTRY_ENVELOPE_MEDIA_TYPE } from "@/lib/events/registry";

/**
 * Examples for every operation of the OpenAPI document: a copy-paste curl command
 * (`x-codeSamples`, with $HARBOR_URL and $API_KEY to fill in) and JSON examples of the request body
 * and the success answer. Hand-written where a reader starts (events, registry notifications,
 * policies, destinations); the others are derived from the schemas.
 */

type JsonSchema = Record<string, unknown>;
type Content = Record<string, { schema: JsonSchema; example?: unknown }>;
type Op = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<string, { description: string; content?: Content }>;
  "x-codeSamples"?: { lang: string; label: string; source: string }[];
};

const pushEvent = sampleEvent("PUSH_ARTIFACT");

/** Request bodies written for a reader, by operationId. */
const REQUEST_EXAMPLES: Record<string, unknown> = {
  postEvent: {
    type: pushEvent.type,
    occur_at: pushEvent.occur_at,
    operator: pushEvent.operator,
    event_data: pushEvent.event_data,
  },
  postRegistryNotifications: {
    events: [
      {
        id: "320678d8-ca14-430f-8bb6-4ca139cd83f7",
        timestamp: "2026-12-01T12:00:00.000Z",
        action: "push",
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          size: 1402,
          digest: "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
          repository: "library/nginx",
          url: "http://registry.example.com/v2/library/nginx/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
          tag: "1.27",
        },
        request: {
          id: "3f0bd7e4-1d6e-4e67-9d9e-6f7e5a0b1c2d",
          addr: "10.0.0.5:45678",
          host: "registry.example.com",
          method: "PUT",
          useragent: "docker/27.0",
        },
        actor: { name: "ci-bot" },
        source: { addr: "registry-0:5000", instanceID: "8d3b2c43-6f8a-4f3e-9b1a-0c2d3e4f5a6b" },
      },
    ],
  },
  createDestination: {
    url: "https://api.example.com/webhooks/harbor",
    name: "Production receiver",
    metadata: { owner: "payments-team" },
  },
  updateDestination: { status: "paused" },
  CreateWebhookPolicyOfProject: {
    name: "ci-notify",
    description: "Tell CI about new images",
    enabled: true,
    event_types: ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
    targets: [
      {
        type: "http",
        address: "https://ci.example.com/hooks/harbor",
        auth_header: "Bearer ci-token",
        skip_cert_verify: false,
        payload_format: "CloudEvents",
      },
      {
        type: "http",
        address: "https://chat.example.com/hooks/registry",
        payload_format: "Custom",
        payload_template:
          '{"text": {{ summary.title | json }}, "by": {{ operator | json }}, "link": {{ links.execution | json }}}',
        content_type: "application/json",
        custom_headers: { "X-Api-Key": "chat-api-key" },
      },
    ],
    repository_pattern: "library/**",
  },
  UpdateWebhookPolicyOfProject: {
    name: "ci-notify",
    enabled: false,
    event_types: ["PUSH_ARTIFACT"],
    targets: [{ type: "http", address: "https://ci.example.com/hooks/harbor", payload_format: "Default" }],
  },
  RedeliverFailedOfPolicy: { from: "2026-12-01T00:00:00Z", to: "2026-12-01T12:00:00Z", include_stopped: false },
  StopExecutionOfWebhookPolicy: { status: "Stopped" },
  InstanceCreateWebhookPolicy: {
    name: "security-team",
    description: "Every failed scan of the team projects",
    event_types: ["SCANNING_FAILED", "SCANNING_COMPLETED"],
    targets: [{ type: "http", address: "https://security.example.com/hooks/harbor", payload_format: "Default" }],
    project_pattern: "team-*",
  },
  InstanceUpdateWebhookPolicy: {
    name: "security-team",
    event_types: ["SCANNING_FAILED"],
    targets: [{ type: "http", address: "https://security.example.com/hooks/harbor", payload_format: "Default" }],
    project_pattern: "{team-*,prod-*}",
  },
  InstanceRedeliverFailedOfPolicy: {
    from: "2026-12-01T00:00:00Z",
    to: "2026-12-01T12:00:00Z",
    include_stopped: false,
  },
  InstanceStopExecutionOfWebhookPolicy: { status: "Stopped" },
  CreateProject: { project_name: "library", metadata: { public: "false" } },
  CreateProjectMember: { role_id: 1, member_user: { username: "alice" } },
  UpdateProjectMember: { role_id: 4 },
  CreateUser: { username: "alice", password: "a-long-passphrase", email: "alice@example.com", realname: "Alice" },
  CreateApiKey: { mode: "live", name: "ci" },
  UpdateUserPassword: { old_password: "the-current-passphrase", new_password: "a-new-long-passphrase" },
  SetUserSysAdmin: { sysadmin_flag: true },
};

/** Values for path parameters in the curl commands. */
const PATH_VALUES: Record<string, string> = {
  project_name_or_id: "library",
  webhook_policy_id: "1",
  execution_id: "1",
  task_id: "1",
  mid: "1",
  key_id: "1",
  user_id: "1",
  id: "dest_01HXYZ8M6V3K9QJ2T4W5R7N0PB",
};

/** An example value of a JSON Schema (the first choice of each union, one item per array). */
export function exampleOf(schema: JsonSchema, schemas: Record<string, JsonSchema>, depth = 0): unknown {
  if (depth > 8) return null;
  if ("example" in schema) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (typeof schema.$ref === "string") {
    const target = schemas[schema.$ref.replace(/^#\/components\/schemas\//, "")];
    return target ? exampleOf(target, schemas, depth + 1) : null;
  }
  if ("const" in schema) return schema.const;
  if ("default" in schema && schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const first = (list as JsonSchema[]).find((s) => s.type !== "null") ?? list[0];
      return exampleOf(first as JsonSchema, schemas, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, exampleOf(s, schemas, depth + 1)]));
    }
    case "array":
      return schema.items ? [exampleOf(schema.items as JsonSchema, schemas, depth + 1)] : [];
    case "integer":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "string":
      if (schema.format === "date-time") return "2026-12-01T12:00:00Z";
      return "string";
    default:
      return null;
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function curlFor(method: string, path: string, op: Op, body: { mediaType: string; value: unknown } | undefined) {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? "1");
  const lines = [`curl -X ${method.toUpperCase()} "$HARBOR_URL${url}"`];
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes("RegistryToken")) lines.push(`-H "Authorization: Bearer $REGISTRY_TOKEN"`);
  // Projects and users outside one project: a user's credentials (API keys act in their own project
  // only). The /v1 API is the API keys' own.
  else if (schemes.includes("BasicAuth") && !path.includes("{project_name_or_id}") && !path.startsWith("/v1/"))
    lines.push(`-u "$HARBOR_USER:$HARBOR_PASSWORD"`);
  else if (schemes.includes("ApiKey")) lines.push(`-H "Authorization: Bearer $API_KEY"`);
  if (body) {
    lines.push(`-H "Content-Type: ${body.mediaType}"`);
    lines.push(`-d ${shellQuote(JSON.stringify(body.value, null, 2))}`);
  }
  return lines.join(" \\\n  ");
}

/**
 * Adds the examples to every operation: `example` on the request body and on JSON success answers,
 * and a curl command in `x-codeSamples`.
 */
export function addExamples<P extends Record<string, Record<string, Op>>>(
  paths: P,
  schemas: Record<string, JsonSchema>,
): P {
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      let body: { mediaType: string; value: unknown } | undefined;
      if (op.requestBody) {
        const [mediaType, content] = Object.entries(op.requestBody.content)[0];
        const value = REQUEST_EXAMPLES[op.operationId] ?? exampleOf(content.schema, schemas);
        for (const c of Object.values(op.requestBody.content)) c.example = value;
        body = { mediaType: mediaType === REGISTRY_ENVELOPE_MEDIA_TYPE ? mediaType : "application/json", value };
      }
      for (const [status, res] of Object.entries(op.responses)) {
        if (!status.startsWith("2") || !res.content) continue;
        for (const [mediaType, c] of Object.entries(res.content)) {
          c.example = mediaType === "application/json" ? exampleOf(c.schema, schemas) : "start to run webhook job";
        }
      }
      op["x-codeSamples"] = [{ lang: "Shell", label: "curl", source: curlFor(method, path, op, body) }];
    }
  }
  return paths;
}
