/**
 * Reading what an OpenTelemetry exporter sent over OTLP/HTTP JSON (POST /v1/traces) to a local
 * receiver (tests/helpers/receiver.ts records the requests): the spans, flattened, with their
 * resource's and their own attributes as plain values.
 */
import type { RecordedRequest } from "./receiver";

type OtlpValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
  status?: { code?: number; message?: string };
};
type OtlpRequest = {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
};

export type ExportedSpan = {
  traceId: string;
  spanId: string;
  /** undefined for a trace's root */
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error */
  status: { code: number; message?: string };
  resource: Record<string, string | number | boolean>;
};

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export const STATUS_ERROR = 2;

function plain(attributes: OtlpAttribute[] = []): Record<string, string | number | boolean> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? "")),
    ]),
  );
}

/** Every span in the recorded export requests to /v1/traces. */
export function exportedSpans(requests: RecordedRequest[]): ExportedSpan[] {
  return requests
    .filter((r) => r.method === "POST" && r.url === "/v1/traces")
    .flatMap((r) => (JSON.parse(r.body) as OtlpRequest).resourceSpans ?? [])
    .flatMap((rs) =>
      (rs.scopeSpans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: s.kind,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: plain(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message },
          resource: plain(rs.resource?.attributes),
        })),
      ),
    );
}
