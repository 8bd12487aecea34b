/**
 * The process's tracer while OpenTelemetry tracing is on (lib/tracing/start.ts turns it on), and
 * the W3C trace context as text: what an event stores and a delivery sends as `traceparent`.
 *
 * While tracing is off `activeTracer()` answers undefined, and that one check is all the hot paths
 * (ingest, the worker's claim and delivery) do: no span, no attribute object, no header.
 */
import { ROOT_CONTEXT, trace, TraceFlags, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { parseTraceParent } from "@opentelemetry/core";

// On globalThis: the web process runs this module twice (its own copy and the one Next.js bundles
// for the route handlers); both must see the tracer the process started with.
const g = globalThis as unknown as { harborTracer?: Tracer };

/** The tracer, or undefined while tracing is off. */
export function activeTracer(): Tracer | undefined {
  return g.harborTracer;
}

/** Set by startTracing (and cleared by its shutdown). */
export function setActiveTracer(tracer: Tracer | undefined) {
  g.harborTracer = tracer;
}

/** The span's context as a W3C `traceparent` header value: version 00, trace id, span id, flags. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? "01" : "00"}`;
}

/**
 * The context whose parent is the span a `traceparent` names (a stored event's, an incoming
 * request's); the root context when there is none or it cannot be read, so a bad value starts a
 * trace of its own instead of failing anything.
 */
export function contextOf(traceparent: string | null | undefined): Context {
  const parent = traceparent ? parseTraceParent(traceparent) : null;
  return parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true }) : ROOT_CONTEXT;
}
