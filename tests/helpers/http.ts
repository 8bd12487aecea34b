/** Route handlers called in-process, the way Next.js calls them, and the two APIs' error shapes. */
import { NextRequest } from "next/server";
import { expect } from "vitest";

export type Handler<P> = (req: NextRequest, ctx: { params: Promise<P> }) => Response | Promise<Response>;

export type CallRequest<P> = {
  /** path and query, e.g. "/v1/destinations?limit=2" */
  path: string;
  /** the route's dynamic segments */
  params?: P;
  /** an API key, sent as `Authorization: Bearer <key>` */
  key?: string;
  /** a whole Authorization header value (Basic, Bearer, anything) */
  auth?: string;
  /** objects are sent as JSON; a string is sent verbatim (malformed bodies) */
  body?: unknown;
  /** GET, or POST when there is a body */
  method?: string;
  headers?: Record<string, string>;
};

export type CallResult = { status: number; headers: Headers; text: string; json: unknown };

/** Sends one request to a route handler: `call(handler, { path, ... })` or `call(handler, path, { ... })`. */
export function call<P = Record<string, string>>(handler: Handler<P>, request: CallRequest<P>): Promise<CallResult>;
export function call<P = Record<string, string>>(
  handler: Handler<P>,
  path: string,
  request: Omit<CallRequest<P>, "path">,
): Promise<CallResult>;
export async function call<P>(
  handler: Handler<P>,
  pathOrRequest: string | CallRequest<P>,
  rest: Omit<CallRequest<P>, "path"> = {},
): Promise<CallResult> {
  const r: CallRequest<P> = typeof pathOrRequest === "string" ? { ...rest, path: pathOrRequest } : pathOrRequest;
  const headers = new Headers(r.headers);
  if (r.key) headers.set("authorization", `Bearer ${r.key}`);
  if (r.auth) headers.set("authorization", r.auth);
  const body = r.body === undefined || typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const req = new NextRequest(`http://localhost${r.path}`, {
    method: r.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const res = await handler(req, { params: Promise.resolve((r.params ?? {}) as P) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The /v1 error shape, exactly: {error: {code, message, field?}}. */
export function expectV1Error(res: { status: number; json: unknown }, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), ...(field !== undefined ? { field } : {}) } });
}

/** Harbor's error shape, exactly: {errors: [{code, message}]}, with the message when given. */
export function expectHarborError(r: CallResult, status: number, code: string, message?: string | RegExp) {
  expect({ status: r.status, code: (r.json as { errors?: { code: string }[] })?.errors?.[0]?.code }).toEqual({
    status,
    code,
  });
  const body = r.json as { errors: { code: string; message: string }[] };
  expect(Object.keys(body)).toEqual(["errors"]);
  expect(body.errors).toHaveLength(1);
  if (typeof message === "string") expect(body.errors[0].message).toBe(message);
  else if (message) expect(body.errors[0].message).toMatch(message);
}
