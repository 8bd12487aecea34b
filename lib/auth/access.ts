import type { Actor } from "@/lib/auth/actor";
import { roleAllows, type ProjectPermission, type SystemPermission } from "@/lib/auth/permissions";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { hasUnstorableText } from "@/lib/unicode";
import { getDb } from "@/lib/db/client";

export type ProjectRef = { id: number; name: string; public: boolean };
export type ProjectAccess = { project: ProjectRef; role: ProjectRole | "apiKey" | "sysadmin" | undefined };

/** Looks a project up by id or name ("library" or "3", as Harbor's API accepts). */
export async function findProject(nameOrId: string | number): Promise<ProjectRef | null> {
  // No project name has a NUL or an unpaired surrogate, and the database cannot compare one
  // (a URL path may carry %00, a server action argument anything).
  if (hasUnstorableText(nameOrId)) return null;
  const db = await getDb();
  const asId = typeof nameOrId === "number" ? nameOrId : /^\d+$/.test(nameOrId) ? Number(nameOrId) : undefined;
  const select = { id: true, name: true, public: true } as const;
  // Ids are 32-bit integers (PostgreSQL refuses larger ones in a query); a longer number is a name.
  if (asId !== undefined && asId <= 2_147_483_647) {
    const byId = await db.project.findUnique({ where: { id: asId }, select });
    if (byId) return byId;
  }
  return db.project.findUnique({ where: { name: String(nameOrId) }, select });
}

export async function roleIn(actor: Actor, projectId: number): Promise<ProjectAccess["role"]> {
  if (actor.kind === "apiKey") return actor.projectId === projectId ? "apiKey" : undefined;
  if (actor.sysadmin) return "sysadmin";
  const db = await getDb();
  const m = await db.projectMember.findUnique({ where: { projectId_userId: { projectId, userId: actor.userId } } });
  return m && isProjectRole(m.role) ? m.role : undefined;
}

export function can(role: ProjectAccess["role"], permission: ProjectPermission): boolean {
  return role === "sysadmin" || roleAllows(role, permission);
}

/**
 * Resolves the project and checks the permission in one place. A project the actor cannot see
 * at all answers 404, so names of private projects do not leak; one it can see answers 403.
 */
export async function requireProject(
  actor: Actor,
  nameOrId: string | number,
  permission: ProjectPermission,
): Promise<ProjectAccess> {
  const project = await findProject(nameOrId);
  if (!project) throw notFound("project");
  const role = await roleIn(actor, project.id);
  if (!can(role, permission)) {
    if (role === undefined && !project.public) throw notFound("project");
    throw forbidden(`your role in project ${project.name} does not allow ${permission}`);
  }
  return { project, role };
}

export function requireSystem(actor: Actor, permission: SystemPermission): void {
  if (actor.kind !== "user" || !actor.sysadmin) {
    throw new AppError("forbidden", `only a system admin may do this (${permission})`);
  }
}
