import crypto from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { getServerSession } from "next-auth";
import { AppError, fromZodError, unauthorized, type ErrorCode } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { checkCredentials } from "@/lib/auth/credentials";
import { authOptions } from "@/lib/auth/options";
import { apiLimiter } from "@/lib/auth/rate-limit";
import { hasUnstorableText } from "@/lib/unicode";
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";

/**
 * Error shapes: Harbor's API answers `{errors:[{code,message}]}`, ours answers
 * `{error:{code,message,field?}}`.
 */
export type ApiFlavor = "harbor" | "v1";

export type RouteContext<P> = { req: NextRequest; params: P; actor: Actor; requestId: string };
type Auth = "user-or-key" | "key";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export function errorBody(flavor: ApiFlavor, code: ErrorCode | string, message: string, field?: string) {
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
    rate_limited: "TOO_MANY_REQUESTS",
    payload_too_large: "PAYLOAD_TOO_LARGE",
    internal_error: "INTERNAL_SERVER_ERROR",
  };
  return map[code] ?? code.toUpperCase();
}

export function errorResponse(flavor: ApiFlavor, err: unknown, requestId: string): NextResponse {
  if (err instanceof AppError) {
    const res = NextResponse.json(errorBody(flavor, err.code, err.message, err.field), { status: err.status });
    if (err.retryAfterSeconds) res.headers.set("Retry-After", String(err.retryAfterSeconds));
    res.headers.set("X-Request-Id", requestId);
    return res;
  }
  logger.error({ err, requestId }, "unhandled error in API route");
  const res = NextResponse.json(errorBody(flavor, "internal_error", `internal error (request ${requestId})`), {
    status: 500,
  });
  res.headers.set("X-Request-Id", requestId);
  return res;
}

/** Authenticates a request: API key (Bearer), HTTP Basic, or the browser session. */
export async function authenticate(req: NextRequest, auth: Auth): Promise<Actor> {
  const header = req.headers.get("authorization") ?? "";
  const [scheme, credential = ""] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    const key = await authenticateApiKey(credential.trim());
    if (!key) throw unauthorized("invalid or revoked API key");
    return key;
  }
  if (auth === "key") throw unauthorized("an API key is required: Authorization: Bearer hk_live_… or hk_test_…");
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const sep = decoded.indexOf(":");
    if (sep < 0) throw unauthorized("malformed Basic credentials");
    const result = await checkCredentials(decoded.slice(0, sep), decoded.slice(sep + 1));
    if (!result.ok) {
      if (result.reason === "rate_limited") {
        throw new AppError(
          "rate_limited",
          "too many failed sign-ins; try again later",
          undefined,
          Math.ceil((result.retryAfterMs ?? 1000) / 1000),
        );
      }
      throw unauthorized("invalid user name or password");
    }
    return { kind: "user", userId: result.user.id, username: result.user.username, sysadmin: result.user.sysadmin };
  }
  const session = (await getServerSession(authOptions())) as { uid?: number } | null;
  if (session?.uid) {
    const user = await (await getDb()).user.findUnique({ where: { id: session.uid } });
    if (user) return { kind: "user", userId: user.id, username: user.username, sysadmin: user.sysadmin };
  }
  throw unauthorized();
}

/** One wrapper for every API route: request id, authentication, rate limit, errors → JSON. */
export function apiRoute<P = Record<string, string>>(
  opts: { flavor: ApiFlavor; auth?: Auth },
  handler: (ctx: RouteContext<P>) => Promise<Response>,
) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = sanitizeRequestId(req.headers.get("x-request-id")) ?? crypto.randomUUID();
    try {
      const actor = await authenticate(req, opts.auth ?? "user-or-key");
      const limitKey = actor.kind === "apiKey" ? `key:${actor.keyId}` : `user:${actor.userId}`;
      const wait = apiLimiter.hit(limitKey);
      if (wait > 0) throw new AppError("rate_limited", "rate limit exceeded", undefined, Math.ceil(wait / 1000));
      const res = await handler({ req, params: await context.params, actor, requestId });
      res.headers.set("X-Request-Id", requestId);
      return res;
    } catch (err) {
      return errorResponse(opts.flavor, err, requestId);
    }
  };
}

function sanitizeRequestId(value: string | null): string | undefined {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}

/** Reads a JSON body with a size cap and a clear error for each way it can be wrong. */
export async function readJson(req: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > maxBytes) throw new AppError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
  const text = await readTextCapped(req, maxBytes);
  if (text.trim() === "") throw new AppError("invalid_json", "request body is empty; expected a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "request body is not valid JSON");
  }
  if (hasUnstorableText(value))
    throw new AppError(
      "invalid_json",
      "request body contains a NUL character or an unpaired UTF-16 surrogate escape (\\u0000, \\ud800); send valid Unicode text",
    );
  return value;
}

export async function readTextCapped(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses with a zod schema, turning failures into a validation error naming the field. */
export function parseWith<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  // Server actions hand their arguments straight to parseWith; API bodies were checked by readJson.
  if (hasUnstorableText(value))
    throw new AppError(
      "validation_error",
      "contains a NUL character or an unpaired UTF-16 surrogate; send valid Unicode text",
    );
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}
