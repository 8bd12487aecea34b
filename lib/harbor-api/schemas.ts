import { targetHealthSchema } from "@/lib/shared/target-health";
import { z } from "zod";
import { ALL_EVENT_TYPES, NOTIFY_TYPES, PAYLOAD_FORMATS } from "@/lib/shared/events";
import { TASK_STATUSES } from "@/lib/shared/task-statuses";
import { conditionsObjectSchema } from "@/lib/shared/conditions";

/**
 * The response objects of the Harbor-compatible API (/api/v2.0), for the OpenAPI document. They
 * describe what lib/harbor-api/mappers.ts and lib/policies/view.ts produce; tests/v1/openapi.test.ts
 * parses the mappers' real output with these (strictly), so the document cannot drift from them.
 */

const time = z.string().describe("RFC 3339; Harbor's zero time 0001-01-01T00:00:00Z means “not yet”");

export const harborTargetSchema = z.strictObject({
  type: z.enum(NOTIFY_TYPES),
  address: z.string(),
  auth_header: z.string().describe("Masked (••••••••) when set, empty for maintainers"),
  skip_cert_verify: z.boolean(),
  payload_format: z
    .string()
    .describe(
      "Default, CloudEvents or Custom for http targets; Custom for a chat target with a template of its own; empty for the others",
    ),
  payload_template: z.string().optional().describe("Our extension: the Liquid template of a Custom target"),
  content_type: z.string().optional().describe("Our extension: the Content-Type of a Custom target's body"),
  custom_headers: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Our extension: an http target's extra request headers, values masked (••••••••); left out for maintainers",
    ),
  status: z.enum(["active", "paused"]).describe("Our extension: a target paused after 410 Gone or repeated failures"),
  paused_reason: z.string().optional(),
  health: targetHealthSchema.optional(),
});

export const harborPolicySchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  project_id: z.number().int().describe("0 for an instance-wide policy"),
  project_pattern: z
    .string()
    .optional()
    .describe("Our extension, instance-wide policies only: glob on the project name; empty = every project"),
  targets: z.array(harborTargetSchema),
  event_types: z.array(z.enum(ALL_EVENT_TYPES)),
  creator: z.string(),
  creation_time: time,
  update_time: time,
  enabled: z.boolean(),
  repository_pattern: z.string().describe("Our extension: glob on repo_full_name; empty = every repository"),
  tag_pattern: z.string().describe("Our extension: glob on the tags; empty = every tag"),
  conditions: conditionsObjectSchema.describe(
    "Our extension: conditions on the event's content (scan severity, replication result, operators, artifact types); {} = none",
  ),
  grouping_window_seconds: z
    .number()
    .int()
    .nullable()
    .describe(
      "Our extension: seconds (1-60) events of one type and repository are collected into one delivery; null = one delivery per event",
    ),
  retry_policy: z
    .strictObject({
      max_attempts: z.number().int().optional(),
      backoff_base_ms: z.number().int().optional(),
      backoff_cap_ms: z.number().int().optional(),
      timeout_ms: z.number().int().optional(),
    })
    .describe("Our extension: the overrides set on this policy (system defaults apply to the rest)"),
});

export const harborPolicyCreatedSchema = z.strictObject({
  id: z.number().int(),
  signing_secret: z.string().describe("Standard Webhooks secret (whsec_…), shown only in this response"),
});

export const harborKeyRotationSchema = z.strictObject({
  signing_secret: z.string(),
  previous_keys_expire_at: time,
});

const metricsSchema = z.strictObject({
  task_count: z.number().int(),
  success_task_count: z.number().int(),
  error_task_count: z.number().int(),
  pending_task_count: z.number().int(),
  running_task_count: z.number().int(),
  scheduled_task_count: z.number().int(),
  stopped_task_count: z.number().int(),
});

export const harborExecutionSchema = z.strictObject({
  id: z.number().int(),
  vendor_type: z.enum(["WEBHOOK", "SLACK"]),
  vendor_id: z.number().int().describe("The policy id"),
  status: z.enum(TASK_STATUSES),
  status_message: z.string(),
  metrics: metricsSchema,
  trigger: z.enum(["EVENT", "MANUAL"]),
  extra_attrs: z.strictObject({
    event_type: z.enum(ALL_EVENT_TYPES),
    project_id: z
      .number()
      .int()
      .describe("Our extension: the project whose event this is (for an instance-wide policy, any project)"),
    payload: z.string().describe("The Default payload, as JSON text"),
  }),
  start_time: time,
  end_time: time,
});

export const harborTaskSchema = z.strictObject({
  id: z.number().int(),
  execution_id: z.number().int(),
  status: z.enum(TASK_STATUSES),
  status_message: z.string(),
  run_count: z.number().int(),
  extra_attrs: z.strictObject({
    webhook_id: z.string(),
    attempts: z.array(
      z.strictObject({
        number: z.number().int(),
        started_at: time,
        duration_ms: z.number().int(),
        response_status: z.number().int().nullable(),
        response_excerpt: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
  }),
  creation_time: time,
  update_time: time,
  start_time: time,
  end_time: time,
});

export const harborWebhookJobSchema = z
  .strictObject({
    id: z.number().int().describe("The execution id"),
    policy_id: z.number().int(),
    event_type: z.enum(ALL_EVENT_TYPES),
    notify_type: z.enum(NOTIFY_TYPES),
    status: z.enum(TASK_STATUSES),
    job_detail: z.string().describe("The Default payload, as JSON text"),
    creation_time: time,
    update_time: time,
  })
  .describe("Harbor's deprecated webhook job: an execution under its older field names");

export const harborWebhookEventsSchema = z.strictObject({
  event_type: z.array(z.enum(ALL_EVENT_TYPES)),
  notify_type: z.array(z.enum(NOTIFY_TYPES)),
  payload_formats: z.array(
    z.strictObject({ notify_type: z.enum(NOTIFY_TYPES), formats: z.array(z.enum(PAYLOAD_FORMATS)) }),
  ),
});

export const harborLastTriggerSchema = z.strictObject({
  policy_name: z.string(),
  enabled: z.boolean(),
  creation_time: time,
  last_trigger_time: time,
  event_type: z.enum(ALL_EVENT_TYPES),
});

export const harborInstanceCoverageSchema = z.strictObject({
  name: z.string(),
  enabled: z.boolean(),
  event_types: z.array(z.enum(ALL_EVENT_TYPES)),
  target_types: z.array(z.enum(NOTIFY_TYPES)).describe("The notify types of its targets; never their addresses"),
});

export const harborProjectSchema = z.strictObject({
  project_id: z.number().int(),
  name: z.string(),
  creation_time: time,
  update_time: time,
  deleted: z.boolean(),
  current_user_role_id: z.number().int(),
  current_user_role_ids: z.array(z.number().int()),
  repo_count: z.number().int().describe("Always 0: repositories are not kept here"),
  metadata: z.strictObject({ public: z.enum(["true", "false"]) }),
});

export const harborMemberSchema = z.strictObject({
  id: z.number().int(),
  project_id: z.number().int(),
  entity_name: z.string(),
  role_name: z.string(),
  role_id: z.number().int().describe("1 projectAdmin, 2 developer, 3 guest, 4 maintainer"),
  entity_id: z.number().int(),
  entity_type: z.enum(["u", "g"]).describe("u: a user, g: a group (entity_id is the group id)"),
});

export const harborUserSchema = z.strictObject({
  user_id: z.number().int(),
  username: z.string(),
  email: z.string(),
  realname: z.string(),
  comment: z.string(),
  sysadmin_flag: z.boolean(),
  creation_time: time,
  update_time: time,
});

/** Harbor's AuditLog (swagger), with what changed (`detail`, secrets named only) and the project. */
export const harborAuditLogSchema = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  resource: z.string(),
  resource_type: z.string(),
  operation: z.string(),
  op_time: time,
  project_id: z.number().int().nullable(),
  detail: z.string(),
});

export const harborApiKeySchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  mode: z.enum(["live", "test"]),
  prefix: z.string().describe("The key's first characters, to recognise it"),
  created_by: z.string(),
  created_at: time,
  last_used_at: time.nullable(),
  revoked_at: time.nullable(),
});

export const harborApiKeyCreatedSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  key: z.string().describe("hk_live_… or hk_test_…: shown only in this response"),
  mode: z.enum(["live", "test"]),
  prefix: z.string(),
  created_at: time,
});

export const harborResumedSchema = z.strictObject({
  resumed: z.number().int().describe("Targets unpaused"),
  redelivered: z.number().int().describe("Tasks queued again"),
});

export const harborRedeliveredSchema = z.strictObject({ redelivered: z.number().int().describe("Tasks queued again") });
