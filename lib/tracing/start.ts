/**
 * Turns OpenTelemetry tracing on for this process (the web server and the worker call it at start)
 * when an OTLP endpoint is configured: OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set, OTEL_SDK_DISABLED not "true", OTEL_TRACES_EXPORTER not
 * "none". Otherwise nothing is loaded and the hot paths see no tracer (lib/tracing/tracer.ts).
 */
import { diag } from "@opentelemetry/api";
import { env, type Env } from "@/lib/config/env";
import { APP_VERSION } from "@/lib/config/version";
import { logger } from "@/lib/log/logger";
import { setActiveTracer } from "./tracer";

export type ProcessRole = "web" | "worker";

/** Tracing as started: `flush` exports what has ended so far; `shutdown` flushes and turns it off. */
export type Tracing = { on: boolean; flush(): Promise<void>; shutdown(): Promise<void> };

const OFF: Tracing = { on: false, flush: async () => undefined, shutdown: async () => undefined };

/** Whether the environment asks for traces (the standard variables, docs/tracing.md). */
export function tracingWanted(e: Env): boolean {
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint !== undefined && !e.OTEL_SDK_DISABLED && e.OTEL_TRACES_EXPORTER !== "none";
}

export async function startTracing(role: ProcessRole): Promise<Tracing> {
  const e = env();
  if (!tracingWanted(e)) return OFF;
  const { createTracerProvider } = await import("./provider");
  const provider = createTracerProvider({ serviceName: e.OTEL_SERVICE_NAME, role });
  // Not registered as the global provider: only the event pipeline is traced (its spans name their
  // parents explicitly), not what other libraries would trace through it (Next.js's page requests,
  // whose URLs may hold sign-in codes).
  setActiveTracer(provider.getTracer("harbor-notifier", APP_VERSION));
  const endpoint = new URL(e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT!);
  logger.info({ collector: endpoint.origin, service: e.OTEL_SERVICE_NAME }, "OpenTelemetry tracing on");
  return {
    on: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      setActiveTracer(undefined);
      await provider.shutdown().catch((err) => logger.warn({ err }, "exporting the last spans failed"));
      diag.disable();
    },
  };
}
