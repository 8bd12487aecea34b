/**
 * The span attributes of our own (docs/tracing.md lists them with the span tree); HTTP and error
 * attributes use OpenTelemetry's semantic conventions instead.
 */
export const ATTR = {
  eventId: "harbor.event.id",
  eventType: "harbor.event.type",
  eventSource: "harbor.event.source",
  projectId: "harbor.project.id",
  requestId: "harbor.request.id",
  deliveries: "harbor.event.deliveries",
  duplicate: "harbor.event.duplicate",
  ingestOutcome: "harbor.ingest.outcome",
  skipReason: "harbor.ingest.skip_reason",
  policyId: "harbor.policy.id",
  targetId: "harbor.target.id",
  targetType: "harbor.target.type",
  taskId: "harbor.task.id",
  attempt: "harbor.delivery.attempt",
  outcome: "harbor.delivery.outcome",
  grouped: "harbor.delivery.grouped",
  claimTasks: "harbor.claim.tasks",
  payloadFormat: "harbor.payload.format",
  recordBatch: "harbor.record.batch",
} as const;
