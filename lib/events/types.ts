import { z } from "zod";
import type { AnyEventType, EventType, HarborEvent } from "@/lib/shared/events";

// ---------------------------------------------------------------------------
// event_data schemas. A field is required for a type when the spec's example
// of that type has it. Every object is loose: unknown keys are accepted (newer
// Harbor versions add fields such as sbom_overview) and must reach receivers.

const repositorySchema = z.looseObject({
  // Omitted by Harbor for scan and quota events, and by us when a registry
  // notification does not tell us when the repository was created.
  date_created: z.number().int().nonnegative().optional(),
  name: z.string(),
  namespace: z.string(),
  repo_full_name: z.string(),
  repo_type: z.string(),
});

const artifactResourceSchema = z.looseObject({
  digest: z.string().min(1),
  tag: z.string(),
  resource_url: z.string(),
});

// Report fields vary between scanners and Harbor versions; only the status is
// needed to make sense of the event, the rest is type-checked when present.
const scanReportSchema = z.looseObject({
  report_id: z.string().optional(),
  scan_status: z.string(),
  severity: z.string().optional(),
  duration: z.number().optional(),
  summary: z.looseObject({}).nullable().optional(),
  start_time: z.string().optional(),
  end_time: z.string().optional(),
  scanner: z.looseObject({}).optional(),
  complete_percent: z.number().optional(),
});

const scannedResourceSchema = z.looseObject({
  digest: z.string().min(1),
  tag: z.string().optional(),
  resource_url: z.string(),
  // Keyed by report MIME type, e.g. "application/vnd.security.vulnerability.report; version=1.1".
  scan_overview: z.record(z.string(), scanReportSchema),
});

const quotaResourceSchema = z.looseObject({
  digest: z.string().min(1),
  tag: z.string().optional(),
  resource_url: z.string().optional(),
});

const artifactInfoSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  name_tag: z.string(),
});

const replicationResourceSchema = z.looseObject({
  registry_name: z.string().optional(), // absent on dest_resource in the spec
  registry_type: z.string(),
  endpoint: z.string(),
  namespace: z.string(),
});

const replicationSchema = z.looseObject({
  harbor_hostname: z.string(),
  job_status: z.string(),
  artifact_type: z.string(),
  override_mode: z.boolean(),
  trigger_type: z.string(),
  policy_creator: z.string(),
  execution_timestamp: z.number().int().nonnegative(),
  src_resource: replicationResourceSchema,
  dest_resource: replicationResourceSchema,
  // Harbor omits a result list when it is empty (a failed job has no successes).
  successful_artifact: z.array(artifactInfoSchema).optional(),
  failed_artifact: z.array(artifactInfoSchema).optional(),
});

const retentionSelectorSchema = z.looseObject({
  kind: z.string(),
  decoration: z.string(),
  pattern: z.string(),
  extras: z.string(),
});

const retentionSchema = z.looseObject({
  total: z.number().int().nonnegative(),
  retained: z.number().int().nonnegative(),
  harbor_hostname: z.string(),
  project_name: z.string(),
  retention_policy_id: z.number().int(),
  retention_rule: z.array(
    z.looseObject({
      template: z.string(),
      tag_selectors: z.array(retentionSelectorSchema),
      scope_selectors: z.record(z.string(), z.array(retentionSelectorSchema)),
    }),
  ),
  result: z.string(),
  // Go marshals an empty result list as null.
  deleted_artifact: z.array(artifactInfoSchema).nullable().optional(),
});

export const artifactEventDataSchema = z.looseObject({
  resources: z.array(artifactResourceSchema).min(1),
  repository: repositorySchema,
});

export const scanningEventDataSchema = z.looseObject({
  resources: z.array(scannedResourceSchema).min(1),
  repository: repositorySchema,
});

export const quotaEventDataSchema = z.looseObject({
  resources: z.array(quotaResourceSchema).min(1),
  repository: repositorySchema,
  custom_attributes: z.looseObject({ Details: z.string() }),
});

/** A tag names a digest; a registry that deletes a tag reports only its name (no digest). */
const tagResourceSchema = z.looseObject({
  digest: z.string().min(1).optional(),
  tag: z.string().min(1),
  resource_url: z.string(),
});

/** TAG_CREATED / TAG_DELETED: the artifact events' shape, the resource being the tag. */
export const tagEventDataSchema = z.looseObject({
  resources: z.array(tagResourceSchema).min(1),
  repository: repositorySchema,
});

/** PROJECT_CREATED / PROJECT_DELETED: Harbor's project event (its id and name), under `project`. */
export const projectEventDataSchema = z.looseObject({
  project: z.looseObject({
    project_id: z.number().int().positive(),
    name: z.string().min(1),
    public: z.boolean().optional(),
  }),
});

export const replicationEventDataSchema = z.looseObject({ replication: replicationSchema });

export const retentionEventDataSchema = z.looseObject({ retention: retentionSchema });

// Operational events (lib/alerts): what the service says about its own deliveries. A target is
// named by its webhook and address only: never its auth header, custom headers or a secret URL path.

const operationalSubjectFields = {
  /** Absent for a target of an instance-wide webhook (it belongs to no project). */
  project: z.looseObject({ project_id: z.number().int().positive(), name: z.string().min(1) }).optional(),
  webhook: z.looseObject({
    id: z.number().int().positive(),
    name: z.string(),
    instance_wide: z.boolean(),
  }),
  target: z.looseObject({
    id: z.number().int().positive(),
    type: z.string(),
    address: z
      .string()
      .describe("The target's address with any secret path segment masked and no query or credentials"),
  }),
};

/** webhook.target_paused / webhook.target_resumed: one event per change of the target's state. */
export const targetStateEventDataSchema = z.looseObject({
  ...operationalSubjectFields,
  state: z.enum(["paused", "active"]).describe("The target's state after the change"),
  cause: z
    .enum(["failures", "gone", "person", "address_changed"])
    .describe(
      "failures: paused automatically after deliveries kept failing; gone: the endpoint answered 410 Gone; person: paused or resumed by someone (the operator); address_changed: resumed by a new address",
    ),
  reason: z.string(),
  changed_at: z.string().describe("RFC 3339 time of the change"),
});

/** webhook.delivery_exhausted: a digest of the deliveries to one target that failed after their last attempt. */
export const deliveryExhaustedEventDataSchema = z.looseObject({
  ...operationalSubjectFields,
  state: z.enum(["paused", "active"]).describe("The target's state when the digest was sent"),
  reason: z.string().describe("Why the last of these deliveries failed"),
  deliveries: z.looseObject({
    count: z
      .number()
      .int()
      .positive()
      .describe("Deliveries that failed after their last attempt since the previous digest"),
    first_failed_at: z.string(),
    last_failed_at: z.string(),
    sample_event_ids: z.array(z.number().int()).describe("A few of the events those deliveries carried (their ids)"),
  }),
});

export const EVENT_DATA_SCHEMAS = {
  PUSH_ARTIFACT: artifactEventDataSchema,
  PULL_ARTIFACT: artifactEventDataSchema,
  DELETE_ARTIFACT: artifactEventDataSchema,
  QUOTA_EXCEED: quotaEventDataSchema,
  QUOTA_WARNING: quotaEventDataSchema,
  SCANNING_FAILED: scanningEventDataSchema,
  SCANNING_STOPPED: scanningEventDataSchema,
  SCANNING_COMPLETED: scanningEventDataSchema,
  REPLICATION: replicationEventDataSchema,
  TAG_RETENTION: retentionEventDataSchema,
  TAG_CREATED: tagEventDataSchema,
  TAG_DELETED: tagEventDataSchema,
  PROJECT_CREATED: projectEventDataSchema,
  PROJECT_DELETED: projectEventDataSchema,
  "webhook.target_paused": targetStateEventDataSchema,
  "webhook.target_resumed": targetStateEventDataSchema,
  "webhook.delivery_exhausted": deliveryExhaustedEventDataSchema,
} satisfies Record<AnyEventType, z.ZodType>;

// ---------------------------------------------------------------------------
// The body of POST /v1/events.

// 9999-12-31T23:59:59Z: later instants have no RFC 3339 form (CloudEvents `time`), and the bound
// also catches millisecond timestamps posted by mistake. The column is 64 bits on both databases.
export const MAX_OCCUR_AT = 253_402_300_799;

const occurAtSchema = z
  .number()
  .int("occur_at must be an integer number of unix seconds")
  .nonnegative("occur_at must not be negative")
  .max(
    MAX_OCCUR_AT,
    `occur_at must be unix seconds (not milliseconds), at most ${MAX_OCCUR_AT} (9999-12-31T23:59:59Z)`,
  );

function eventInputVariant<T extends EventType>(type: T) {
  return z.object({
    type: z.literal(type),
    occur_at: occurAtSchema.optional(),
    operator: z.string().optional(),
    event_data: EVENT_DATA_SCHEMAS[type],
  });
}

export const harborEventInputSchema = z.discriminatedUnion("type", [
  eventInputVariant("PUSH_ARTIFACT"),
  eventInputVariant("PULL_ARTIFACT"),
  eventInputVariant("DELETE_ARTIFACT"),
  eventInputVariant("QUOTA_EXCEED"),
  eventInputVariant("QUOTA_WARNING"),
  eventInputVariant("SCANNING_FAILED"),
  eventInputVariant("SCANNING_STOPPED"),
  eventInputVariant("SCANNING_COMPLETED"),
  eventInputVariant("REPLICATION"),
  eventInputVariant("TAG_RETENTION"),
  eventInputVariant("TAG_CREATED"),
  eventInputVariant("TAG_DELETED"),
  eventInputVariant("PROJECT_CREATED"),
  eventInputVariant("PROJECT_DELETED"),
]);

export type HarborEventInput = z.infer<typeof harborEventInputSchema>;

export type ParseFailure = { ok: false; field: string; message: string };
export type ParseHarborEventResult = { ok: true; event: HarborEvent } | ParseFailure;

/** Fills the defaults of an accepted input: occur_at = now, operator = "". */
export function normalizeEvent(input: HarborEventInput, now: Date = new Date()): HarborEvent {
  return {
    type: input.type,
    occur_at: input.occur_at ?? Math.floor(now.getTime() / 1000),
    operator: input.operator ?? "",
    event_data: input.event_data,
  };
}

/** First zod issue as {field, message}; field is the dotted path, "(root)" for the body itself. */
export function firstIssue(error: z.ZodError): ParseFailure {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
  return { ok: false, field, message: issue?.message ?? "invalid input" };
}

export function parseHarborEvent(json: unknown, now: Date = new Date()): ParseHarborEventResult {
  const parsed = harborEventInputSchema.safeParse(json);
  if (!parsed.success) return firstIssue(parsed.error);
  // zod rebuilds objects with the schema's keys first, which would reorder the
  // event_data we deliver. The input is valid, so keep the caller's own object
  // (as its JSON form, which is what receivers get) instead of zod's copy.
  const original = (json as { event_data: unknown }).event_data;
  const eventData = JSON.parse(JSON.stringify(original)) as Record<string, unknown>;
  return { ok: true, event: normalizeEvent({ ...parsed.data, event_data: eventData } as HarborEventInput, now) };
}
