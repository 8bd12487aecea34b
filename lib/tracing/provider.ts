/**
 * The OpenTelemetry SDK, loaded only when tracing is on (lib/tracing/start.ts imports this module
 * then): a Node tracer provider whose batch processor exports spans over OTLP/HTTP. The exporter
 * and the processor read the standard variables themselves (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT,
 * _COMPRESSION, OTEL_BSP_*), the sampler reads OTEL_TRACES_SAMPLER, and the resource takes
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over our defaults.
 */
import os from "node:os";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { APP_VERSION } from "@/lib/config/version";
import { logger } from "@/lib/log/logger";

export function createTracerProvider(opts: { serviceName: string; role: string }): NodeTracerProvider {
  // The SDK's own trouble (an unreachable collector, a refused export) in our logs, not lost.
  diag.setLogger(
    {
      error: (message) => logger.warn({ detail: message }, "OpenTelemetry export problem"),
      warn: (message) => logger.warn({ detail: message }, "OpenTelemetry export problem"),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: opts.serviceName,
        [ATTR_SERVICE_VERSION]: APP_VERSION,
        "host.name": os.hostname(),
        "process.pid": process.pid,
        "harbor.role": opts.role,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  return new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
}
