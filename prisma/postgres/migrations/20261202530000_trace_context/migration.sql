-- OpenTelemetry: the traceparent of an event's ingest span, read by the worker so each delivery
-- attempt joins the event's trace. Written only while tracing is on.
-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "traceContext" TEXT;
