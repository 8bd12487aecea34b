import { NextResponse } from "next/server";
import { AppError, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/log/logger";

/**
 * Error shapes: Harbor's API answers `{errors:[{code,message}]}`, ours `{error:{code,message,field?}}`,
 * and routes a browser opens directly (a log download) plain text.
 */
export type ApiFlavor = "harbor" | "v1" | "text";

export function errorBody(flavor: "harbor" | "v1", code: ErrorCode | string, message: string, field?: string) {
  if (flavor === "harbor") return { errors: [{ code: harborCode(code), message }] };
  return { error: field ? { code, message, field } : { code, message } };
}

function harborCode(code: string): string {
  const map: Record<string, string> = {
    unauthorized: "UNAUTHORIZED",
    forbidden: "FORBIDDEN",
    not_found: "NOT_FOUND",
    conflict: "CONFLICT",
    validation_error: "BAD_REQUEST",
    invalid_json: "BAD_REQUEST",
    invalid_url: "BAD_REQUEST",
    url_not_reachable: "BAD_REQUEST",
    operational_event_type: "BAD_REQUEST",
    rate_limited: "TOO_MANY_REQUESTS",
    payload_too_large: "PAYLOAD_TOO_LARGE",
    internal_error: "INTERNAL_SERVER_ERROR",
  };
  return map[code] ?? code.toUpperCase();
}

function errorAnswer(flavor: ApiFlavor, status: number, code: string, message: string, field?: string): Response {
  if (flavor === "text")
    return new Response(`${message}\n`, {
      status,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  return NextResponse.json(errorBody(flavor, code, message, field), { status });
}

/** An error as the answer's parts (status, body, headers): the one mapping every server path uses. */
export function errorParts(
  err: unknown,
  requestId: string,
): { status: number; code: string; message: string; field?: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (err instanceof AppError) {
    if (err.retryAfterSeconds) headers["Retry-After"] = String(err.retryAfterSeconds);
    headers["X-Request-Id"] = requestId;
    return { status: err.status, code: err.code, message: err.message, field: err.field, headers };
  }
  logger.error({ err, requestId }, "unhandled error in API route");
  headers["X-Request-Id"] = requestId;
  return { status: 500, code: "internal_error", message: `internal error (request ${requestId})`, headers };
}

/** An AppError in the API's shape; anything else is logged and answered as a generic 500. */
export function errorResponse(flavor: ApiFlavor, err: unknown, requestId: string): Response {
  const e = errorParts(err, requestId);
  const res = errorAnswer(flavor, e.status, e.code, e.message, e.field);
  for (const [name, value] of Object.entries(e.headers)) res.headers.set(name, value);
  return res;
}
