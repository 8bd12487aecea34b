import { NextResponse, type NextRequest } from "next/server";
import { notFound } from "@/lib/errors";
import { apiRoute, type RouteContext } from "@/lib/api/route";
import type { Actor } from "@/lib/auth/actor";
import { can, findProject, requireProject, roleIn, type ProjectAccess } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { getDb } from "@/lib/db/client";
import { getExecution } from "@/lib/history/queries";
import { findPolicy } from "@/lib/policies/service";

/** Every route under /api/v2.0: Harbor's error shape, HTTP Basic or an API key. */
export function harborRoute<P>(handler: (ctx: RouteContext<P>) => Promise<Response>) {
  return apiRoute<P>({ flavor: "harbor" }, handler);
}

/** Ids are 32-bit integer columns on both databases. */
const MAX_ID = 2_147_483_647;

/** A positive integer path segment, or a 404 for `what` (an id that cannot exist names nothing). */
export function idParam(value: string, what: string): number {
  const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || id > MAX_ID) throw notFound(what);
  return id;
}

/** Harbor's 201: `Location` is the request path plus the new id; the body is empty unless given. */
export function created(req: NextRequest, id: number | string, body?: unknown): NextResponse {
  const location = `${req.nextUrl.pathname.replace(/\/+$/, "")}/${id}`;
  const res = body === undefined ? new NextResponse(null, { status: 201 }) : NextResponse.json(body, { status: 201 });
  res.headers.set("Location", location);
  return res;
}

/** Harbor answers PUT and DELETE with 200 and no body. */
export function okEmpty(): NextResponse {
  return new NextResponse(null, { status: 200 });
}

export type WebhookAccess = ProjectAccess & { showSecrets: boolean };

/** The project of a webhook route and whether this caller sees (masked) secrets. */
export async function webhookProject(
  actor: Actor,
  nameOrId: string,
  permission: ProjectPermission,
): Promise<WebhookAccess> {
  const access = await requireProject(actor, nameOrId, permission);
  return { ...access, showSecrets: can(access.role, "webhook.secrets") };
}

/**
 * Reading a project: members, system admins, and any signed-in user for a public project (as
 * Harbor); an API key reads the project it belongs to.
 */
export async function readableProject(actor: Actor, nameOrId: string): Promise<ProjectAccess> {
  if (actor.kind === "apiKey") return requireProject(actor, nameOrId, "webhook.read");
  const project = await findProject(nameOrId);
  if (project?.public) return { project, role: await roleIn(actor, project.id) };
  return requireProject(actor, nameOrId, "project.read");
}

/** The caller's roles as a member of these projects (API keys are members of none). */
export async function memberRoles(actor: Actor, projectIds: number[]): Promise<Map<number, ProjectRole>> {
  if (actor.kind !== "user" || projectIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db.projectMember.findMany({
    where: { userId: actor.userId, projectId: { in: projectIds } },
    select: { projectId: true, role: true },
  });
  return new Map(rows.flatMap((r) => (isProjectRole(r.role) ? [[r.projectId, r.role] as const] : [])));
}

/** A policy of this project; another project's policy id is a 404. */
export async function policyOf(projectId: number, idValue: string) {
  const policy = await findPolicy(projectId, idParam(idValue, "webhook policy"));
  if (!policy) throw notFound("webhook policy");
  return policy;
}

/** An execution of this policy; another policy's execution id is a 404. */
export async function executionOf(policyId: number, idValue: string) {
  const execution = await getExecution(policyId, idParam(idValue, "execution"));
  if (!execution) throw notFound("execution");
  return execution;
}

/** Path parameters, named as in Harbor's API. */
export type ProjectParams = { project_name_or_id: string };
export type PolicyParams = ProjectParams & { webhook_policy_id: string };
export type ExecutionParams = PolicyParams & { execution_id: string };
export type TaskParams = ExecutionParams & { task_id: string };
