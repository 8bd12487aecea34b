/**
 * The `ingest` span of an event: the root of the event's trace (or, on POST /v1/events, a child of
 * the request's `traceparent`), from its arrival until it is committed with its deliveries. Its
 * context is stored with the event, so every delivery attempt joins the same trace
 * (lib/delivery/delivery-trace.ts). Only called while tracing is on.
 */
import { SpanKind, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import { ATTR } from "@/lib/tracing/attributes";
import { errorSummary } from "@/lib/tracing/error-summary";
import { contextOf } from "@/lib/tracing/tracer";
import type { IngestOutcome, IngestRequest } from "@/lib/events/ingest";

export function startIngestSpan(tracer: Tracer, req: IngestRequest): Span {
  return tracer.startSpan(
    "ingest",
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [ATTR.eventType]: req.event.type,
        [ATTR.eventSource]: req.source,
        ...(req.projectId !== null ? { [ATTR.projectId]: req.projectId } : {}),
        ...(req.requestId ? { [ATTR.requestId]: req.requestId } : {}),
      },
    },
    contextOf(req.traceParent),
  );
}

/** Ends the span with what became of the event: stored (or found stored: a repeated idempotency key), skipped, refused. */
export function endIngestSpan(span: Span, outcome: IngestOutcome) {
  if (!outcome.ok) {
    span.setAttribute(ATTR.ingestOutcome, "refused");
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorSummary(outcome.error) });
  } else if (outcome.result.status === "skipped") {
    span.setAttributes({ [ATTR.ingestOutcome]: "skipped", [ATTR.skipReason]: outcome.result.reason });
  } else {
    const r = outcome.result;
    span.setAttributes({
      [ATTR.ingestOutcome]: r.duplicate ? "duplicate" : "accepted",
      [ATTR.eventId]: r.eventId,
      [ATTR.deliveries]: r.deliveries,
      [ATTR.duplicate]: r.duplicate,
    });
  }
  span.end();
}
