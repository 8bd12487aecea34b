import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { isUnstorableString } from "@/lib/shared/unicode";
import { authenticate, authenticateRegistry } from "@/lib/api/authenticate";
import { readJsonBody } from "@/lib/api/body";
import { errorResponse, type ApiFlavor } from "@/lib/api/error-response";
import { parseInput, queryOf, type InputPolicy } from "@/lib/api/input";
import type { Actor } from "@/lib/auth/actor";
import {
  requireKeyProject,
  requireProject,
  requireSystem,
  type ProjectAccess,
  type SystemAccess,
} from "@/lib/auth/access";
import type { ProjectPermission, SystemPermission } from "@/lib/auth/permissions";
import { apiLimiter } from "@/lib/auth/rate-limit";

export { MAX_JSON_BODY_BYTES } from "@/lib/api/body";

export type { ApiFlavor };

/** How each API judges input: /v1 refuses unknown body fields by name, Harbor ignores them. */
const BODY_POLICY: Record<ApiFlavor, InputPolicy> = {
  v1: { unknownKeys: "reject", rootField: "body" },
  harbor: { unknownKeys: "strip" },
  text: {},
};

/** Path parameters as Next.js hands them to a route (catch-all segments are never read). */
export type Params = Record<string, string>;

type ApiKeyActor = Extract<Actor, { kind: "apiKey" }>;

/** What every handler gets: the request, its parameters and id, and the API's input readers. */
export type RequestContext = {
  req: NextRequest;
  params: Params;
  requestId: string;
  /** The JSON body (size cap, content type, JSON errors). */
  json(): Promise<unknown>;
  /** The JSON body, parsed by `schema` with this API's unknown-key policy. */
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
  /** The query parameters, parsed by `schema`. */
  query<S extends z.ZodType>(schema: S): z.output<S>;
  /** Any other value, parsed with this API's policy. */
  parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S>;
};

/**
 * Each route declares who may call it; the wrapper resolves and checks that before the handler
 * runs, and hands the handler the access value (only the check can make one).
 * - `project` (a path parameter) + a project permission: the caller's access to that project.
 * - `auth: "key"` + a project permission: an API key, in its own project (/v1).
 * - `system`: a system admin.
 * - `permission: "signed-in"`: any authenticated caller (what it sees is filtered by the query).
 * - `permission: "public"`: no authentication (documents, health, the API's own 404).
 * - `auth: "registry-token"`: the registry's notification token (POST /service/notifications).
 */
export type ProjectRoute<P extends ProjectPermission> = {
  flavor: ApiFlavor;
  project: string;
  permission: P;
  /** "session": the browser's session only (routes the UI links to). */
  auth?: "session";
  /** Harbor: any signed-in user reads a public project. */
  publicReadable?: true;
};
export type KeyRoute<P extends ProjectPermission> = { flavor: ApiFlavor; auth: "key"; permission: P };
export type SystemRoute = { flavor: ApiFlavor; system: SystemPermission };
export type SignedInRoute = { flavor: ApiFlavor; permission: "signed-in" };
export type PublicRoute = { flavor: ApiFlavor; permission: "public" };
export type RegistryRoute = {
  flavor: ApiFlavor;
  auth: "registry-token";
  /** Told of every refused request (bad token, bad body) before the error answer; its own failures are ignored. */
  onError?: (req: NextRequest, err: unknown) => Promise<void>;
};
type AnyRoute =
  | ProjectRoute<ProjectPermission>
  | KeyRoute<ProjectPermission>
  | SystemRoute
  | SignedInRoute
  | PublicRoute
  | RegistryRoute;

/** The declaration a route handler was built with, as the code-health test reads it. */
export type RouteDeclaration = {
  flavor: ApiFlavor;
  scope: "project" | "key-project" | "system" | "signed-in" | "public" | "registry-token";
  /** The permission checked, or "public" / "signed-in" / "registry-token". */
  permission: string;
};

const DECLARATION = Symbol.for("harbor-notifier.apiRoute");

export type RouteHandler = ((req: NextRequest, context: { params: Promise<unknown> }) => Promise<Response>) & {
  readonly [DECLARATION]: RouteDeclaration;
};

/** The declaration of a handler built by apiRoute, or undefined for anything else. */
export function routeDeclarationOf(handler: unknown): RouteDeclaration | undefined {
  return typeof handler === "function" ? (handler as Partial<RouteHandler>)[DECLARATION] : undefined;
}

type Handler<C> = (ctx: RequestContext & C) => Promise<Response>;

export function apiRoute<P extends ProjectPermission>(
  decl: ProjectRoute<P>,
  handler: Handler<{ actor: Actor; access: ProjectAccess<P> }>,
): RouteHandler;
export function apiRoute<P extends ProjectPermission>(
  decl: KeyRoute<P>,
  handler: Handler<{ actor: ApiKeyActor; access: ProjectAccess<P, ApiKeyActor> }>,
): RouteHandler;
export function apiRoute(decl: SystemRoute, handler: Handler<{ actor: Actor; system: SystemAccess }>): RouteHandler;
export function apiRoute(decl: SignedInRoute, handler: Handler<{ actor: Actor }>): RouteHandler;
export function apiRoute(decl: PublicRoute | RegistryRoute, handler: Handler<object>): RouteHandler;
/** One wrapper for every route: request id, authentication, the declared permission, rate limit, errors → the API's shape. */
export function apiRoute(decl: AnyRoute, handler: Handler<never>): RouteHandler {
  const declaration = declare(decl);
  const run = async (req: NextRequest, context: { params: Promise<unknown> }): Promise<Response> => {
    const requestId = sanitizeRequestId(req.headers.get("x-request-id")) ?? crypto.randomUUID();
    try {
      const params = ((await context.params) ?? {}) as Params;
      const policy = BODY_POLICY[decl.flavor];
      const base: RequestContext = {
        req,
        params,
        requestId,
        json: () => readJsonBody(req),
        body: async (schema) => parseInput(schema, await readJsonBody(req), policy),
        query: (schema) => parseInput(schema, queryOf(req), { rootField: policy.rootField }),
        parse: (schema, value) => parseInput(schema, value, policy),
      };
      const caller = await authorize(decl, req, params);
      refuseUnstorableQuery(req.nextUrl.searchParams);
      const res = await handler({ ...base, ...caller } as never);
      return withRequestId(res, requestId);
    } catch (err) {
      if ("onError" in decl && decl.onError) await decl.onError(req, err).catch(() => undefined);
      return errorResponse(decl.flavor, err, requestId);
    }
  };
  return Object.assign(run, { [DECLARATION]: declaration });
}

function declare(decl: AnyRoute): RouteDeclaration {
  const d = decl as { auth?: string; system?: string; project?: string; permission?: string };
  const scope: RouteDeclaration["scope"] =
    d.auth === "registry-token"
      ? "registry-token"
      : d.system
        ? "system"
        : d.auth === "key"
          ? "key-project"
          : d.project
            ? "project"
            : d.permission === "public"
              ? "public"
              : "signed-in";
  const permission =
    scope === "registry-token" ? "registry-token" : scope === "system" ? d.system : (d.permission as string);
  // A declaration that slipped past the types (a cast, plain JS) fails when the module loads.
  if (!permission || (scope === "signed-in" && permission !== "signed-in"))
    throw new Error(`apiRoute: the declaration names no permission: ${JSON.stringify(decl)}`);
  return { flavor: decl.flavor, scope, permission };
}

/** Authenticates and checks what the route declared; answers the context the handler gets. */
async function authorize(decl: AnyRoute, req: NextRequest, params: Params): Promise<object> {
  if ("auth" in decl && decl.auth === "registry-token") {
    await authenticateRegistry(req);
    return {};
  }
  if ("permission" in decl && decl.permission === "public") return {};

  const actor = await authenticate(req, "auth" in decl ? decl.auth : undefined);
  rateLimit(actor);
  if ("system" in decl) return { actor, system: requireSystem(actor, decl.system) };
  if ("auth" in decl && decl.auth === "key") {
    return { actor, access: await requireKeyProject(actor as ApiKeyActor, decl.permission) };
  }
  if ("project" in decl) {
    const access = await requireProject(actor, safeDecode(params[decl.project] ?? ""), decl.permission, {
      revealToUsers: decl.flavor === "harbor",
      publicReadable: decl.publicReadable,
    });
    return { actor, access };
  }
  return { actor };
}

/**
 * No query parameter (name or value) may hold a NUL or an unpaired surrogate, on any route: such a
 * filter fails inside PostgreSQL (a 500) and is cut short by SQLite (matching everything), so
 * both answer this one 400 instead, naming the parameter.
 */
export function refuseUnstorableQuery(params: URLSearchParams) {
  for (const [name, value] of params) {
    if (!isUnstorableString(name) && !isUnstorableString(value)) continue;
    const field = isUnstorableString(name) ? "query" : name.length > 64 ? `${name.slice(0, 64)}…` : name;
    throw new AppError("validation_error", `${field}: contains a NUL character or an unpaired UTF-16 surrogate`, field);
  }
}

export function rateLimit(actor: Actor) {
  const wait = apiLimiter.hit(actor.kind === "apiKey" ? `key:${actor.keyId}` : `user:${actor.userId}`);
  if (wait > 0) throw new AppError("rate_limited", "rate limit exceeded", undefined, Math.ceil(wait / 1000));
}

/** Project names never contain `%`; a segment that is not valid percent-encoding is taken as it is. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Tags the answer with the request id; a Response with immutable headers (Response.redirect) is copied first. */
function withRequestId(res: Response, requestId: string): Response {
  try {
    res.headers.set("X-Request-Id", requestId);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set("X-Request-Id", requestId);
    return copy;
  }
}

export function sanitizeRequestId(value: string | null): string | undefined {
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}
