import { z } from "zod";
import { createApiKeySchema } from "@/lib/api-keys/service";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "@/lib/api/cursor";
import { MAX_JSON_BODY_BYTES } from "@/lib/api/route";
import {
  createdDestinationSchema,
  deliveryPageSchema,
  destinationCreateSchema,
  destinationPageSchema,
  destinationSchema,
  destinationUpdateSchema,
  DESTINATION_STATUSES,
  METADATA_MAX_BYTES,
  signingKeyRotationSchema,
} from "@/lib/destinations/schemas";
import { eventTypeCatalogSchema } from "@/lib/events/catalog";
import { REGISTRY_ENVELOPE_MEDIA_TYPE, registryEnvelopeSchema } from "@/lib/events/registry";
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
  EXECUTION_QUERY_FIELDS,
  EXECUTION_SORT_FIELDS,
  TASK_QUERY_FIELDS,
  TASK_SORT_FIELDS,
} from "@/lib/harbor-api/list-fields";
import { describeQueryFields } from "@/lib/harbor-api/query";
import { AUDIT_QUERY_FIELDS, AUDIT_SORT_FIELDS } from "@/lib/harbor-api/audit-logs";
import { harborPasswordReqSchema, harborSysadminFlagSchema } from "@/lib/users/schemas";
import { TARGET_WARNING_HEADER } from "@/lib/harbor-api/warnings";
import {
  harborApiKeyCreatedSchema,
  harborApiKeySchema,
  harborExecutionSchema,
  harborKeyRotationSchema,
  harborLastTriggerSchema,
  harborInstanceCoverageSchema,
  harborMemberSchema,
  harborPolicyCreatedSchema,
  harborPolicySchema,
  harborProjectSchema,
  harborRedeliveredSchema,
  harborResumedSchema,
  harborTaskSchema,
  harborUserSchema,
  harborAuditLogSchema,
  harborWebhookEventsSchema,
  harborWebhookJobSchema,
} from "@/lib/harbor-api/schemas";
import { harborErrorSchema, v1ErrorSchema } from "@/lib/api/schemas";
import {
  eventAcceptedSchema,
  eventQuerySchema,
  eventSkippedSchema,
  eventValidSchema,
  IDEMPOTENCY_KEY_MAX,
  idempotencyKeySchema,
  registryResultSchema,
} from "@/lib/events/schemas";
import { policyInputSchema } from "@/lib/shared/policy-input";
import { addExamples } from "@/lib/openapi/examples";
import { stripSafeIntegerBounds } from "@/lib/shared/json-schema";

/**
 * The OpenAPI 3.1 document of both APIs, built from the zod schemas the routes validate with
 * (request bodies, as the input JSON Schema) and answer through (responses, as output).
 */

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  servers: { url: string; description?: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, unknown>;
    parameters: Record<string, Parameter>;
  };
};
export type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
};
export type Operation = {
  tags: string[];
  summary: string;
  description?: string;
  deprecated?: boolean;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { schema: JsonSchema; example?: unknown }>;
    }
  >;
  /** A copy-paste curl command (added to every operation by addExamples). */
  "x-codeSamples"?: { lang: string; label: string; source: string }[];
};

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line. */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return stripSafeIntegerBounds(rest);
}

/** Request bodies by component name: the test checks each against its zod schema. */
export const REQUEST_BODY_SCHEMAS = {
  DestinationCreate: destinationCreateSchema,
  DestinationUpdate: destinationUpdateSchema,
  EventInput: harborEventInputSchema,
  RegistryEnvelope: registryEnvelopeSchema,
  PolicyInput: policyInputSchema,
  ProjectInput: harborProjectInputSchema,
  MemberInput: harborMemberInputSchema,
  MemberUpdate: harborMemberUpdateSchema,
  UserInput: harborUserInputSchema,
  PasswordReq: harborPasswordReqSchema,
  UserSysAdminFlag: harborSysadminFlagSchema,
  ApiKeyInput: createApiKeySchema,
  ExecutionPatch: executionPatchSchema,
  RedeliverRange: redeliverRangeSchema,
  ResumeTargets: resumeTargetsSchema,
} satisfies Record<string, z.ZodType>;

const RESPONSE_SCHEMAS = {
  Destination: destinationSchema,
  CreatedDestination: createdDestinationSchema,
  DestinationPage: destinationPageSchema,
  SigningKeyRotation: signingKeyRotationSchema,
  DeliveryPage: deliveryPageSchema,
  EventAccepted: eventAcceptedSchema,
  EventSkipped: eventSkippedSchema,
  EventValid: eventValidSchema,
  EventTypeCatalog: eventTypeCatalogSchema,
  RegistryResult: registryResultSchema,
  Error: v1ErrorSchema,
  HarborErrors: harborErrorSchema,
  HarborPolicy: harborPolicySchema,
  HarborPolicyCreated: harborPolicyCreatedSchema,
  HarborKeyRotation: harborKeyRotationSchema,
  HarborExecution: harborExecutionSchema,
  HarborTask: harborTaskSchema,
  HarborWebhookEvents: harborWebhookEventsSchema,
  HarborWebhookJob: harborWebhookJobSchema,
  HarborLastTrigger: harborLastTriggerSchema,
  HarborInstanceCoverage: harborInstanceCoverageSchema,
  HarborProject: harborProjectSchema,
  HarborMember: harborMemberSchema,
  HarborUser: harborUserSchema,
  HarborAuditLog: harborAuditLogSchema,
  HarborApiKey: harborApiKeySchema,
  HarborApiKeyCreated: harborApiKeyCreatedSchema,
  HarborRedelivered: harborRedeliveredSchema,
  HarborResumed: harborResumedSchema,
} satisfies Record<string, z.ZodType>;

type SchemaName = keyof typeof REQUEST_BODY_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;

const ref = (name: SchemaName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const paramRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: JsonSchema) => ({ "application/json": { schema } });
const body = (name: keyof typeof REQUEST_BODY_SCHEMAS, mediaTypes = ["application/json"]) => ({
  required: true,
  content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: ref(name) }])),
});

// --- the /v1 API ---

const v1Errors = (codes: Record<number, string[]>) =>
  Object.fromEntries(
    Object.entries(codes).map(([status, list]) => [
      status,
      { description: `Error codes: ${list.map((c) => `\`${c}\``).join(", ")}`, content: json(ref("Error")) },
    ]),
  );
const V1_COMMON = { 401: ["unauthorized"], 429: ["rate_limited"] };
const V1_BODY = { 413: ["payload_too_large"], 415: ["unsupported_media_type"] };
const apiKeyAuth = [{ ApiKey: [] }];

const destinationIdParam: Parameter = {
  name: "id",
  in: "path",
  required: true,
  description: "The destination's id (dest_…)",
  schema: { type: "string", pattern: "^dest_[0-9A-Z]{26}$" },
};

/** Said on every destination operation: a key acts on its own mode's destinations only. */
const MODE_SCOPE =
  " A key sees and changes only the destinations of its own mode: a test-mode key (`hk_test_…`) the test destinations it or another test key created, a live key (`hk_live_…`) the live ones; another mode's destination is `destination_not_found`, as an unknown id.";

function v1Paths(): OpenApiDocument["paths"] {
  const tags = ["Destinations API"];
  return {
    "/v1/events": {
      post: {
        tags: ["Events API"],
        operationId: "postEvent",
        summary: "Send an event",
        description:
          "A Harbor-shaped event of any type of the catalog (`GET /v1/event-types`), for the API key's project. `event_data` is validated against the type's schema (the catalog's JSON Schema), and a failure names the field. The event and its deliveries are committed before the answer. " +
          "`occur_at` defaults to now, `operator` to an empty string. The Default payload delivered equals the posted `{type, occur_at, operator, event_data}`; CloudEvents carry `event_data` as `data`. " +
          "While webhooks are globally disabled the event is dropped (as Harbor does) and the answer says so. " +
          'With `validate_only=true` the key and the event are checked exactly as otherwise, and the answer is `{"valid": true}`: nothing is stored and nothing is delivered.',
        security: apiKeyAuth,
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            description: `At most ${IDEMPOTENCY_KEY_MAX} printable characters. Posting the same body again with the same key answers the first event (\`duplicate: true\`) and queues nothing new; another body with a used key is a 422 \`idempotency_key_reused\`.`,
            schema: toJsonSchema(idempotencyKeySchema, "input"),
          },
          paramRef("XRequestId"),
          {
            name: "validate_only",
            in: "query",
            description:
              "`true`: authenticate and validate only; store nothing, queue nothing (a dry run). Default `false`.",
            schema: toJsonSchema(eventQuerySchema.shape.validate_only.unwrap(), "input"),
          },
        ],
        requestBody: body("EventInput"),
        responses: {
          202: {
            description:
              "Accepted: the event id and the number of deliveries queued, or `skipped` while webhooks are disabled, or `valid` with `validate_only=true`.",
            content: json({ oneOf: [ref("EventAccepted"), ref("EventSkipped"), ref("EventValid")] }),
          },
          ...v1Errors({
            400: ["validation_error", "invalid_json"],
            422: ["idempotency_key_reused"],
            ...V1_COMMON,
            ...V1_BODY,
          }),
        },
      },
    },
    "/v1/event-types": {
      get: {
        tags: ["Events API"],
        operationId: "listEventTypes",
        summary: "List the event types",
        description:
          "Every event type: its description, the JSON Schema (2020-12) of its `event_data` (the schema `POST /v1/events` validates with), a sample Default payload that passes it, and its CloudEvents `type`. An API key, HTTP Basic or the browser session.",
        security: [{ ApiKey: [] }, { BasicAuth: [] }, { Session: [] }],
        responses: {
          200: {
            description: "The catalog, in the order the UI lists the types.",
            content: json(ref("EventTypeCatalog")),
          },
          ...v1Errors(V1_COMMON),
        },
      },
    },
    "/v1/destinations": {
      post: {
        tags,
        operationId: "createDestination",
        summary: "Create a destination",
        description: `Register a URL events are delivered to (every event type unless \`event_types\` is given; optional \`conditions\` on content). The answer includes the \`signing_secret\`, shown only once. HTTPS only; plain HTTP with a test-mode key. Metadata at most ${METADATA_MAX_BYTES} bytes. The destination belongs to the key's mode (test or live).${MODE_SCOPE}`,
        security: apiKeyAuth,
        requestBody: body("DestinationCreate"),
        responses: {
          201: {
            description: "The created destination, with its signing secret.",
            headers: { Location: { schema: { type: "string" } } },
            content: json(ref("CreatedDestination")),
          },
          ...v1Errors({
            400: ["invalid_url", "url_not_reachable", "metadata_too_large", "validation_error", "invalid_json"],
            403: ["over_destination_limit"],
            ...V1_COMMON,
            ...V1_BODY,
          }),
        },
      },
      get: {
        tags,
        operationId: "listDestinations",
        summary: "List destinations",
        description: `A page of the destinations of the key's mode, newest first, plus a \`next_cursor\`.${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [
          paramRef("Cursor"),
          paramRef("Limit"),
          {
            name: "status",
            in: "query",
            description: "Filter by status.",
            schema: { type: "string", enum: [...DESTINATION_STATUSES] },
          },
        ],
        responses: {
          200: { description: "A page of destinations.", content: json(ref("DestinationPage")) },
          ...v1Errors({ 400: ["invalid_cursor", "validation_error"], ...V1_COMMON }),
        },
      },
    },
    "/v1/destinations/{id}": {
      get: {
        tags,
        operationId: "getDestination",
        summary: "Retrieve a destination",
        description: `The destination object. It does NOT include the signing secret; rotate it with the signing-keys endpoint.${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [destinationIdParam],
        responses: {
          200: { description: "The destination.", content: json(ref("Destination")) },
          ...v1Errors({ 404: ["destination_not_found"], ...V1_COMMON }),
        },
      },
      patch: {
        tags,
        operationId: "updateDestination",
        summary: "Update a destination",
        description: `Modify the URL, name, retry policy, metadata, event types or status. \`metadata\` and \`retry_policy\` replace the stored objects (\`retry_policy: null\` returns to the system defaults). Setting \`status: active\` also resumes a destination paused by the delivery engine. A destination has no credential that is sent to its host (its signing secret signs deliveries and is never sent), so a URL change keeps the signing secret.${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [destinationIdParam],
        requestBody: body("DestinationUpdate"),
        responses: {
          200: { description: "The updated destination.", content: json(ref("Destination")) },
          ...v1Errors({
            400: ["invalid_url", "url_not_reachable", "metadata_too_large", "validation_error", "invalid_json"],
            404: ["destination_not_found"],
            ...V1_COMMON,
            ...V1_BODY,
          }),
        },
      },
      delete: {
        tags,
        operationId: "deleteDestination",
        summary: "Delete a destination",
        description: `Permanently delete a destination. In-flight deliveries are cancelled.${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [destinationIdParam],
        responses: {
          204: { description: "No Content." },
          ...v1Errors({ 404: ["destination_not_found"], ...V1_COMMON }),
        },
      },
    },
    "/v1/destinations/{id}/signing-keys": {
      post: {
        tags,
        operationId: "rotateDestinationSigningKey",
        summary: "Rotate the signing secret",
        description: `A new signing secret, returned only here. Until \`previous_secrets_expire_at\` deliveries are signed with the old and the new secret (Standard Webhooks allows several signatures), so receivers can switch without losing a delivery.${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [destinationIdParam],
        responses: {
          201: { description: "The new secret.", content: json(ref("SigningKeyRotation")) },
          ...v1Errors({ 404: ["destination_not_found"], ...V1_COMMON }),
        },
      },
    },
    "/v1/destinations/{id}/deliveries": {
      get: {
        tags,
        operationId: "listDestinationDeliveries",
        summary: "List a destination's deliveries",
        description: `Its deliveries, newest first, each with every attempt made (time, duration, response status, error).${MODE_SCOPE}`,
        security: apiKeyAuth,
        parameters: [destinationIdParam, paramRef("Cursor"), paramRef("Limit")],
        responses: {
          200: { description: "A page of deliveries.", content: json(ref("DeliveryPage")) },
          ...v1Errors({ 400: ["invalid_cursor", "validation_error"], 404: ["destination_not_found"], ...V1_COMMON }),
        },
      },
    },
    "/service/notifications": {
      post: {
        tags: ["Registry notifications"],
        operationId: "postRegistryNotifications",
        summary: "Receive registry notifications",
        description:
          "CNCF Distribution (registry:2, GitLab, Zot…) notification envelopes. Manifest push/pull/delete become PUSH/PULL/DELETE_ARTIFACT of the project named by the repository's first path segment. " +
          "Blob events, HEAD checks, repeats within a request, unknown projects and events dropped while webhooks are disabled are listed in `ignored`, not failed. " +
          "Re-posting an envelope never delivers an event twice (the registry's event id is the idempotency key). A malformed envelope is refused whole.",
        security: [{ RegistryToken: [] }],
        requestBody: body("RegistryEnvelope", [REGISTRY_ENVELOPE_MEDIA_TYPE, "application/json"]),
        responses: {
          202: { description: "What was accepted, repeated and ignored.", content: json(ref("RegistryResult")) },
          ...v1Errors({ 400: ["validation_error", "invalid_json"], 401: ["unauthorized"], ...V1_BODY }),
        },
      },
    },
  };
}

// --- the Harbor-compatible API ---

const harborAuth: Record<string, string[]>[] = [{ BasicAuth: [] }, { ApiKey: [] }, { Session: [] }];
const harborError = (description: string) => ({ description, content: json(ref("HarborErrors")) });
const H401 = { 401: harborError("Not authenticated") };
const H403 = { 403: harborError("The caller's role does not allow this") };
const H404 = { 404: harborError("Not found (also for objects of another project)") };
const H400 = { 400: harborError("Invalid input; the message names the field") };
/** Policy writes: besides BAD_REQUEST, a refused Custom template or custom header has its own code. */
const POLICY_H400 = {
  400: harborError(
    "Invalid input; the message names the field. Codes: BAD_REQUEST; INVALID_TEMPLATE (a Custom template that does not parse or render for a sample event, with its line and column); INVALID_HEADER_NAME, INVALID_HEADER_VALUE (custom headers)",
  ),
};
const empty = (description: string) => ({ description });
const created201 = {
  description: "Created; `Location` points at the new object.",
  headers: { Location: { schema: { type: "string" } } },
};
const TARGET_WARNING = {
  [TARGET_WARNING_HEADER]: {
    description:
      "One per target the network guard would refuse (a loopback, private, link-local or cloud metadata address, after DNS) or whose host does not resolve: `targets.N.address: why`. The policy is saved all the same, as Harbor saves it; deliveries to that target fail until the address or the allowed networks change.",
    schema: { type: "string" },
  },
};
const paged = (schema: SchemaName, description: string) => ({
  description: `${description} \`X-Total-Count\` has the total, \`Link\` the previous/next pages.`,
  headers: { "X-Total-Count": { schema: { type: "integer" } }, Link: { schema: { type: "string" } } },
  content: json({ type: "array", items: ref(schema) }),
});

function harborOp(
  op: Omit<Operation, "security" | "tags"> & { tags?: string[] },
  tag = "Harbor webhook API",
): Operation {
  return {
    tags: op.tags ?? [tag],
    security: harborAuth,
    ...op,
    parameters: [...(op.parameters ?? []), paramRef("XRequestId")],
  };
}

const sortFields = (fields: Record<string, string>) =>
  Object.keys(fields)
    .map((f) => `\`${f}\``)
    .join(", ");

/**
 * /api/v2.0/system/webhook/…: the project webhook API's policy, history, lasttrigger and events
 * operations without the project (the routes share their handlers, lib/harbor-api/webhook-handlers.ts).
 * System admins only: HTTP Basic or the session; an API key belongs to one project.
 */
function instanceWebhookPaths(projectPaths: OpenApiDocument["paths"]): OpenApiDocument["paths"] {
  const from = "/api/v2.0/projects/{project_name_or_id}/webhook/";
  const shared = ["policies", "lasttrigger", "events"];
  const isProjectParam = (p: unknown) =>
    typeof p === "object" && p !== null && "$ref" in p && String(p.$ref).endsWith("/ProjectNameOrId");
  const paths: OpenApiDocument["paths"] = {};
  for (const [path, item] of Object.entries(projectPaths)) {
    const rest = path.slice(from.length);
    if (!path.startsWith(from) || !shared.some((s) => rest === s || rest.startsWith(`${s}/`))) continue;
    paths[`/api/v2.0/system/webhook/${rest}`] = Object.fromEntries(
      Object.entries(item).map(([method, op]) => [
        method,
        {
          ...op,
          operationId: `Instance${op.operationId.replace(/OfProject$/, "")}`,
          summary: `${op.summary} (instance-wide)`,
          tags: ["Instance-wide webhook API"],
          security: INSTANCE_AUTH,
          parameters: op.parameters?.filter((p) => !isProjectParam(p)),
          responses: { ...op.responses, ...H403_SYSTEM },
        },
      ]),
    );
  }
  return paths;
}
const H403_SYSTEM = { 403: harborError("Not a system admin") };
const INSTANCE_AUTH: Record<string, string[]>[] = [{ BasicAuth: [] }, { Session: [] }];

function harborPaths(): OpenApiDocument["paths"] {
  const base = "/api/v2.0/projects/{project_name_or_id}";
  const policy = `${base}/webhook/policies/{webhook_policy_id}`;
  const execution = `${policy}/executions/{execution_id}`;
  const task = `${execution}/tasks/{task_id}`;
  const P = paramRef("ProjectNameOrId");
  const POL = paramRef("WebhookPolicyId");
  const EX = paramRef("ExecutionId");
  const T = paramRef("TaskId");
  const PAGE = [paramRef("Page"), paramRef("PageSize")];
  const projects = "Harbor projects, members, users and API keys";
  const USER: Parameter = { name: "user_id", in: "path", required: true, schema: { type: "integer" } };
  return {
    [`${base}/webhook/policies`]: {
      get: harborOp({
        operationId: "ListWebhookPoliciesOfProject",
        summary: "List webhook policies",
        parameters: [P, ...PAGE, paramRef("Q"), paramRef("Sort")],
        responses: { 200: paged("HarborPolicy", "The project's policies."), ...H400, ...H401, ...H403, ...H404 },
      }),
      post: harborOp({
        operationId: "CreateWebhookPolicyOfProject",
        summary: "Create a webhook policy",
        description:
          "The server sets `creator` and `creation_time`. A target address with credentials (`https://user:pass@…`) is refused: use `auth_header`. A Custom target's `payload_template` must render for the sample event of every type (and be JSON when its `content_type` is JSON). Besides Harbor's empty 201 we answer the new id and its signing secret (shown only here).",
        parameters: [P],
        requestBody: body("PolicyInput"),
        responses: {
          201: {
            ...created201,
            headers: { ...created201.headers, ...TARGET_WARNING },
            content: json(ref("HarborPolicyCreated")),
          },
          ...POLICY_H400,
          ...H401,
          ...H403,
          ...H404,
          409: harborError("A policy with this name exists in the project"),
        },
      }),
    },
    [policy]: {
      get: harborOp({
        operationId: "GetWebhookPolicyOfProject",
        summary: "Get a webhook policy",
        description:
          "`auth_header` and the values of `custom_headers` are masked; maintainers get the auth header empty and no custom headers.",
        parameters: [P, POL],
        responses: {
          200: { description: "The policy.", content: json(ref("HarborPolicy")) },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
      put: harborOp({
        operationId: "UpdateWebhookPolicyOfProject",
        summary: "Update a webhook policy",
        description:
          "The whole policy. A masked or missing `auth_header` keeps the stored one only while the target's address keeps its origin (scheme, host and port): an address moved to another origin drops the stored header unless a new one is given, so a write-only secret never follows a URL to another host; a path change keeps it. A masked Slack URL (as maintainers read it) keeps the stored URL for a target of the same type only. A left-out `payload_template`, `content_type` or `custom_headers` keeps the stored one (custom headers, like the auth header, only on the same origin); a masked custom header value keeps that header's stored value.",
        parameters: [P, POL],
        requestBody: body("PolicyInput"),
        responses: {
          200: { description: "The updated policy.", headers: TARGET_WARNING, content: json(ref("HarborPolicy")) },
          ...POLICY_H400,
          ...H401,
          ...H403,
          ...H404,
          409: harborError("Name taken"),
        },
      }),
      delete: harborOp({
        operationId: "DeleteWebhookPolicyOfProject",
        summary: "Delete a webhook policy",
        description: "Its pending deliveries are stopped (Harbor refuses instead).",
        parameters: [P, POL],
        responses: { 200: empty("Deleted."), ...H401, ...H403, ...H404 },
      }),
    },
    [`${policy}/signing-keys/rotate`]: {
      post: harborOp({
        operationId: "RotateWebhookPolicySigningKey",
        summary: "Rotate a policy's signing secret",
        description: "Our extension. The previous keys keep signing until `previous_keys_expire_at`.",
        parameters: [P, POL],
        responses: {
          200: { description: "The new secret, shown only here.", content: json(ref("HarborKeyRotation")) },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${policy}/redeliver`]: {
      post: harborOp({
        operationId: "RedeliverFailedOfPolicy",
        summary: "Redeliver failed deliveries in a time range",
        description: "Our extension.",
        parameters: [P, POL],
        requestBody: body("RedeliverRange"),
        responses: {
          202: { description: "Queued again.", content: json(ref("HarborRedelivered")) },
          ...H400,
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${policy}/resume`]: {
      post: harborOp({
        operationId: "ResumeTargetsOfPolicy",
        summary: "Resume paused targets",
        description:
          "Our extension. Unpauses the policy's paused targets (after 410 Gone, repeated failures or a person's pause), or the one at `address`; with `redeliver`, what ended in error since each target started failing is delivered again. A target that is not paused is left as it is.",
        parameters: [P, POL],
        requestBody: body("ResumeTargets"),
        responses: {
          200: { description: "Resumed.", content: json(ref("HarborResumed")) },
          ...H400,
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${policy}/executions`]: {
      get: harborOp({
        operationId: "ListExecutionsOfWebhookPolicy",
        summary: "List executions of a policy",
        description:
          `Newest first unless \`sort\` says otherwise (${sortFields(EXECUTION_SORT_FIELDS)}). ` +
          `\`q\` keys: ${describeQueryFields(EXECUTION_QUERY_FIELDS)}. ` +
          "E.g. `q=id=42`, `q=status={Error Stopped},start_time=[2020-04-09 02:36:00~2020-04-10 00:00:00]`.",
        parameters: [P, POL, ...PAGE, paramRef("Q"), paramRef("Sort")],
        responses: { 200: paged("HarborExecution", "Executions."), ...H400, ...H401, ...H403, ...H404 },
      }),
    },
    [execution]: {
      get: harborOp({
        operationId: "GetExecutionOfWebhookPolicy",
        summary: "Get an execution",
        parameters: [P, POL, EX],
        responses: {
          200: { description: "The execution.", content: json(ref("HarborExecution")) },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
      patch: harborOp({
        operationId: "StopExecutionOfWebhookPolicy",
        summary: "Stop an execution",
        description: '`{"status":"Stopped"}` stops its pending or running delivery.',
        parameters: [P, POL, EX],
        requestBody: body("ExecutionPatch"),
        responses: {
          200: { description: "The execution.", content: json(ref("HarborExecution")) },
          ...H400,
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${execution}/tasks`]: {
      get: harborOp({
        operationId: "ListTasksOfWebhookExecution",
        summary: "List tasks of an execution",
        description:
          `Oldest first unless \`sort\` says otherwise (${sortFields(TASK_SORT_FIELDS)}). ` +
          `\`q\` keys: ${describeQueryFields(TASK_QUERY_FIELDS)}.`,
        parameters: [P, POL, EX, ...PAGE, paramRef("Q"), paramRef("Sort")],
        responses: {
          200: paged("HarborTask", "Tasks, each with its webhook-id and attempts."),
          ...H400,
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${task}/log`]: {
      get: harborOp({
        operationId: "GetLogsOfWebhookTask",
        summary: "Get a task's log",
        parameters: [P, POL, EX, T],
        responses: {
          200: { description: "The log lines.", content: { "text/plain": { schema: { type: "string" } } } },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${task}/redeliver`]: {
      post: harborOp({
        operationId: "RedeliverTask",
        summary: "Redeliver a task",
        description: "Our extension: sends a finished task again with the same webhook-id.",
        parameters: [P, POL, EX, T],
        responses: {
          202: { description: "Queued again.", content: json(ref("HarborRedelivered")) },
          ...H401,
          ...H403,
          ...H404,
          409: harborError("The task is still pending or running"),
        },
      }),
    },
    [`${base}/webhook/events`]: {
      get: harborOp({
        operationId: "GetSupportedEventTypes",
        summary: "Supported event types, notify types and payload formats",
        description:
          "Every notify type with its payload formats: http takes Default, CloudEvents or Custom (a Liquid template of the target's own); the chat tools teams, googlechat, mattermost and discord take Default (their own message) or Custom; Slack lists Default only, as does email (a mail with plain-text and HTML parts to the recipients of a mailto: address, through the SMTP server of the system settings).",
        parameters: [P],
        responses: {
          200: { description: "What policies may use.", content: json(ref("HarborWebhookEvents")) },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${base}/webhook/jobs`]: {
      get: harborOp({
        operationId: "ListWebhookJobs",
        summary: "List a policy's webhook jobs (deprecated in Harbor)",
        description:
          "Harbor's older view of the executions list: one job per execution, with `q`, `sort` and paging as there.",
        deprecated: true,
        parameters: [
          P,
          ...PAGE,
          paramRef("Q"),
          paramRef("Sort"),
          { name: "policy_id", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
          {
            name: "status",
            in: "query",
            description: "Job statuses (Pending, Running, Success, Error, Stopped); repeat it or separate with commas.",
            schema: { type: "array", items: { type: "string" } },
          },
        ],
        responses: { 200: paged("HarborWebhookJob", "Webhook jobs."), ...H400, ...H401, ...H403, ...H404 },
      }),
    },
    [`${base}/webhook/instance-policies`]: {
      get: harborOp({
        operationId: "ListInstanceWebhooksCoveringProject",
        summary: "Instance-wide webhooks that cover the project",
        description:
          "Our extension, read-only for the project's admins: the name, enabled state, event types and notify types of each instance-wide webhook whose `project_pattern` takes in this project. No addresses, no secrets.",
        parameters: [P],
        responses: {
          200: {
            description: "The covering instance-wide webhooks, by name.",
            content: json({ type: "array", items: ref("HarborInstanceCoverage") }),
          },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    [`${base}/webhook/lasttrigger`]: {
      get: harborOp({
        operationId: "LastTrigger",
        summary: "When each policy last triggered, per event type",
        parameters: [P],
        responses: {
          200: {
            description: "One entry per policy and event type.",
            content: json({ type: "array", items: ref("HarborLastTrigger") }),
          },
          ...H401,
          ...H403,
          ...H404,
        },
      }),
    },
    "/api/v2.0/projects": {
      get: harborOp(
        {
          operationId: "ListProjects",
          summary: "List projects",
          description: "The projects the caller can see; `name` or `q=name=~x` filter.",
          parameters: [...PAGE, paramRef("Q"), { name: "name", in: "query", schema: { type: "string" } }],
          responses: { 200: paged("HarborProject", "Projects."), ...H400, ...H401 },
        },
        projects,
      ),
      post: harborOp(
        {
          operationId: "CreateProject",
          summary: "Create a project (system admin)",
          parameters: [],
          requestBody: body("ProjectInput"),
          responses: { 201: created201, ...H400, ...H401, ...H403, 409: harborError("The name is taken") },
        },
        projects,
      ),
    },
    [base]: {
      get: harborOp(
        {
          operationId: "GetProject",
          summary: "Get a project",
          parameters: [P],
          responses: { 200: { description: "The project.", content: json(ref("HarborProject")) }, ...H401, ...H404 },
        },
        projects,
      ),
      delete: harborOp(
        {
          operationId: "DeleteProject",
          summary: "Delete a project (system admin)",
          description: "Its policies and history go with it.",
          parameters: [P],
          responses: { 200: empty("Deleted."), ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
    [`${base}/members`]: {
      get: harborOp(
        {
          operationId: "ListProjectMembers",
          summary: "List members",
          parameters: [P, ...PAGE, { name: "entityname", in: "query", schema: { type: "string" } }],
          responses: { 200: paged("HarborMember", "Members."), ...H401, ...H403, ...H404 },
        },
        projects,
      ),
      post: harborOp(
        {
          operationId: "CreateProjectMember",
          summary: "Add a member",
          description:
            "`role_id`: 1 projectAdmin, 2 developer, 3 guest, 4 maintainer. The member is a user (`member_user`) or a " +
            "group (`member_group`: `group_type` 1 with the LDAP group's `ldap_group_dn`, 3 with the OIDC group's " +
            "`group_name`, or an existing group's `id`); a user's rights are the union of their own and their groups'.",
          parameters: [P],
          requestBody: body("MemberInput"),
          responses: { 201: created201, ...H400, ...H401, ...H403, ...H404, 409: harborError("Already a member") },
        },
        projects,
      ),
    },
    [`${base}/members/{mid}`]: {
      get: harborOp(
        {
          operationId: "GetProjectMember",
          summary: "Get a member",
          parameters: [P, paramRef("MemberId")],
          responses: {
            200: { description: "The member.", content: json(ref("HarborMember")) },
            ...H401,
            ...H403,
            ...H404,
          },
        },
        projects,
      ),
      put: harborOp(
        {
          operationId: "UpdateProjectMember",
          summary: "Change a member's role",
          parameters: [P, paramRef("MemberId")],
          requestBody: body("MemberUpdate"),
          responses: { 200: empty("Updated."), ...H400, ...H401, ...H403, ...H404 },
        },
        projects,
      ),
      delete: harborOp(
        {
          operationId: "DeleteProjectMember",
          summary: "Remove a member",
          parameters: [P, paramRef("MemberId")],
          responses: { 200: empty("Removed."), ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
    "/api/v2.0/audit-logs": {
      get: harborOp(
        {
          operationId: "ListAuditLogs",
          summary: "List audit log entries (system admin)",
          description:
            "Every change made by a person or an API key, newest first unless `sort` says otherwise. " +
            `\`q\` keys: ${describeQueryFields(AUDIT_QUERY_FIELDS)}; \`sort\`: ${sortFields(AUDIT_SORT_FIELDS)}. ` +
            "`detail` holds what changed; secret values never appear, only that they were set or replaced.",
          parameters: [...PAGE, paramRef("Q"), paramRef("Sort")],
          responses: { 200: paged("HarborAuditLog", "Audit log entries."), ...H400, ...H401, ...H403_SYSTEM },
        },
        projects,
      ),
    },
    [`${base}/logs`]: {
      get: harborOp(
        {
          operationId: "ListProjectAuditLogs",
          summary: "List the project's audit log entries (project admins)",
          description: "The project's entries of the audit log, with the same `q` and `sort` as `/audit-logs`.",
          parameters: [P, ...PAGE, paramRef("Q"), paramRef("Sort")],
          responses: { 200: paged("HarborAuditLog", "Audit log entries."), ...H400, ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
    "/api/v2.0/users": {
      post: harborOp(
        {
          operationId: "CreateUser",
          summary: "Create a user (system admin)",
          parameters: [],
          requestBody: body("UserInput"),
          responses: { 201: created201, ...H400, ...H401, ...H403, 409: harborError("The user name is taken") },
        },
        projects,
      ),
    },
    "/api/v2.0/users/{user_id}": {
      get: harborOp(
        {
          operationId: "GetUser",
          summary: "Get a user (system admin)",
          parameters: [USER],
          responses: { 200: { description: "The user.", content: json(ref("HarborUser")) }, ...H401, ...H403, ...H404 },
        },
        projects,
      ),
      delete: harborOp(
        {
          operationId: "DeleteUser",
          summary: "Delete a user (system admin)",
          description: "Their project memberships are removed. Not yourself (403), not the last system admin (409).",
          parameters: [USER],
          responses: { 200: empty("Deleted."), ...H401, ...H403, ...H404, 409: harborError("The last system admin") },
        },
        projects,
      ),
    },
    "/api/v2.0/users/{user_id}/password": {
      put: harborOp(
        {
          operationId: "UpdateUserPassword",
          summary: "Change a password",
          description:
            "Your own: `old_password` is required (403 when wrong). Another user's: system admins only, `new_password` alone; that user chooses a new password at the next sign-in. Passwords: 8 to 256 characters.",
          parameters: [USER],
          requestBody: body("PasswordReq"),
          responses: { 200: empty("Changed."), ...H400, ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
    "/api/v2.0/users/{user_id}/sign-in-lockout": {
      delete: harborOp(
        {
          operationId: "ClearUserSignInLockout",
          summary: "Clear a user's sign-in lockouts (system admin)",
          description:
            "After too many wrong passwords from one address, that address may not sign in as the user for 5 minutes. This ends every such lockout of the user at once, on every web process.",
          parameters: [USER],
          responses: { 200: empty("Cleared."), ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
    "/api/v2.0/users/{user_id}/sysadmin": {
      put: harborOp(
        {
          operationId: "SetUserSysAdmin",
          summary: "Grant or revoke system admin (system admin)",
          parameters: [USER],
          requestBody: body("UserSysAdminFlag"),
          responses: {
            200: empty("Set."),
            ...H400,
            ...H401,
            ...H403,
            ...H404,
            409: harborError("The last system admin"),
          },
        },
        projects,
      ),
    },
    [`${base}/api-keys`]: {
      get: harborOp(
        {
          operationId: "ListApiKeys",
          summary: "List API keys (project admin)",
          description: "Newest first, revoked ones included. Never the keys themselves.",
          parameters: [P, ...PAGE],
          responses: {
            200: paged("HarborApiKey", "A page of the project's keys."),
            ...H400,
            ...H401,
            ...H403,
            ...H404,
          },
        },
        projects,
      ),
      post: harborOp(
        {
          operationId: "CreateApiKey",
          summary: "Create an API key (project admin)",
          description:
            "The key appears only in this response; only its hash is stored. Test-mode keys may register plain-HTTP destinations; each key sees and changes only the destinations of its own mode.",
          parameters: [P],
          requestBody: body("ApiKeyInput"),
          responses: {
            201: { ...created201, content: json(ref("HarborApiKeyCreated")) },
            ...H400,
            ...H401,
            ...H403,
            ...H404,
          },
        },
        projects,
      ),
    },
    [`${base}/api-keys/{key_id}`]: {
      get: harborOp(
        {
          operationId: "GetApiKey",
          summary: "Get an API key (project admin)",
          parameters: [P, paramRef("KeyId")],
          responses: {
            200: { description: "The key, without the key.", content: json(ref("HarborApiKey")) },
            ...H401,
            ...H403,
            ...H404,
          },
        },
        projects,
      ),
      delete: harborOp(
        {
          operationId: "RevokeApiKey",
          summary: "Revoke an API key (project admin)",
          parameters: [P, paramRef("KeyId")],
          responses: { 200: empty("Revoked at once."), ...H401, ...H403, ...H404 },
        },
        projects,
      ),
    },
  };
}

const pathInt = (name: string, description: string): Parameter => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "integer", minimum: 1 },
});

function components(): OpenApiDocument["components"] {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(REQUEST_BODY_SCHEMAS)) schemas[name] = toJsonSchema(schema, "input");
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) schemas[name] = toJsonSchema(schema, "output");
  return {
    schemas,
    securitySchemes: {
      ApiKey: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "hk_live_… or hk_test_…",
        description:
          "A project API key. It acts in its own project only, and on the Destinations API on the destinations of its own mode (test or live) only.",
      },
      BasicAuth: {
        type: "http",
        scheme: "basic",
        description:
          "A user's name and password, as Harbor's API accepts: the local password, the directory password in " +
          "LDAP mode, or the CLI secret (on the profile page) of a user who signs in through OIDC.",
      },
      Session: {
        type: "apiKey",
        in: "cookie",
        name: "next-auth.session-token",
        description: "The browser session of the admin UI.",
      },
      RegistryToken: {
        type: "http",
        scheme: "bearer",
        description: "The registry notification token (system settings, or REGISTRY_NOTIFICATION_TOKEN).",
      },
    },
    parameters: {
      ProjectNameOrId: {
        name: "project_name_or_id",
        in: "path",
        required: true,
        description: "The project's name or numeric id.",
        schema: { type: "string" },
      },
      WebhookPolicyId: pathInt("webhook_policy_id", "The policy id."),
      ExecutionId: pathInt("execution_id", "The execution id."),
      TaskId: pathInt("task_id", "The task id."),
      MemberId: pathInt("mid", "The membership id."),
      KeyId: pathInt("key_id", "The API key id."),
      Page: {
        name: "page",
        in: "query",
        description: "Page number, from 1.",
        schema: { type: "integer", minimum: 1, default: 1 },
      },
      PageSize: {
        name: "page_size",
        in: "query",
        description: "Items per page, at most 100.",
        schema: { type: "integer", minimum: 1, maximum: 100, default: 10 },
      },
      Q: {
        name: "q",
        in: "query",
        description:
          "Harbor's query, terms separated by `,`: exact `k=v`, fuzzy `k=~v`, range `k=[min~max]`, list `k={v1 v2}` (any of). " +
          'Range and list values may be enclosed in " or \'; times as "2020-04-09 02:36:00" (UTC) or ISO 8601. ' +
          "Each list documents its keys; an unknown key is a 400 naming the supported ones.",
        schema: { type: "string" },
      },
      Sort: {
        name: "sort",
        in: "query",
        description: "Fields, ascending or `-` for descending, e.g. `sort=status,-start_time`; ties are broken by id.",
        schema: { type: "string" },
      },
      XRequestId: {
        name: "X-Request-Id",
        in: "header",
        description: "Echoed back; becomes the CloudEvents `requestid` of events it causes.",
        schema: { type: "string", maxLength: 128, pattern: "^[\\w.:-]{1,128}$" },
      },
      Cursor: {
        name: "cursor",
        in: "query",
        description: "`next_cursor` of the previous page.",
        schema: { type: "string" },
      },
      Limit: {
        name: "limit",
        in: "query",
        description: `Page size, 1–${MAX_PAGE_LIMIT}.`,
        schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
      },
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The document (built once per process: it depends on code only). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const parts = components();
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Harbor Notifier API",
      version: "1.0.0",
      description:
        "Two APIs. The Harbor-compatible webhook API under /api/v2.0 (Harbor's paths, snake_case fields and status codes; errors as `{errors:[{code,message}]}`), " +
        "and our own API under /v1 (Destinations and Events, with project API keys; errors as `{error:{code,message,field?}}`), plus the registry notification endpoint. " +
        `Request bodies are limited to ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB; requests are rate limited per API key or user (429 with Retry-After). ` +
        "Every delivery is signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).",
    },
    servers: [{ url: "/", description: "This server" }],
    tags: [
      {
        name: "Destinations API",
        description: "Register delivery destinations for a project, and list their deliveries.",
      },
      { name: "Events API", description: "Post Harbor events from scanners, quota checkers, replication tools, CI." },
      { name: "Registry notifications", description: "Where a CNCF Distribution registry posts its notifications." },
      {
        name: "Harbor webhook API",
        description:
          "Harbor API v2.0's webhook routes: tools that speak Harbor's API (Terraform, harbor-cli) work against them.",
      },
      {
        name: "Instance-wide webhook API",
        description:
          "The Harbor webhook API's policies, history and redelivery without a project: webhooks a system admin keeps for the events of every project, present and future, or of the projects whose names match `project_pattern`. System admins only.",
      },
      {
        name: "Harbor projects, members, users and API keys",
        description: "Enough of Harbor's API to script a whole set-up.",
      },
    ],
    paths: addExamples({ ...v1Paths(), ...harborPaths(), ...instanceWebhookPaths(harborPaths()) }, parts.schemas),
    components: parts,
  };
  return cached;
}
