import { NextRequest } from "next/server";
import { expect } from "vitest";

export type Handler<P> = (req: NextRequest, ctx: { params: Promise<P> }) => Response | Promise<Response>;

export type CallOptions<P> = {
  method?: string;
  /** path and query, e.g. "/v1/destinations?limit=2" */
  path: string;
  /** an API key (sent as Bearer) or a whole Authorization header value */
  key?: string;
  authorization?: string;
  body?: unknown;
  /** sent verbatim instead of JSON.stringify(body) */
  rawBody?: string;
  headers?: Record<string, string>;
  params?: P;
};

/** Calls a route handler in-process, the way Next.js does. */
export async function call<P = Record<string, string>>(
  handler: Handler<P>,
  opts: CallOptions<P>,
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  if (opts.authorization) headers.set("authorization", opts.authorization);
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const req = new NextRequest(`http://localhost${opts.path}`, {
    method: opts.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const res = await handler(req, { params: Promise.resolve((opts.params ?? {}) as P) });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Asserts the exact /v1 error shape: {error: {code, message, field?}}. */
export function expectError(res: { status: number; json: unknown }, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), ...(field !== undefined ? { field } : {}) } });
}
