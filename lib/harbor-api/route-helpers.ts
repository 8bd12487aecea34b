import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import type { Actor } from "@/lib/auth/actor";
import type { ProjectAccess } from "@/lib/auth/access";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { getDb } from "@/lib/db/client";
import { getExecution } from "@/lib/history/queries";
import { findPolicy } from "@/lib/policies/service";

/** The path parameter every project route of Harbor's API declares its project with. */
export const PROJECT_PARAM = "project_name_or_id";

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

/** A policy of the accessed project; another project's policy id is a 404. */
export async function policyOf(access: ProjectAccess, idValue: string) {
  const policy = await findPolicy(access.project.id, rowIdOr404(idValue, "webhook policy"));
  if (!policy) throw notFound("webhook policy");
  return policy;
}

/** An execution of this policy; another policy's execution id is a 404. */
export async function executionOf(policyId: number, idValue: string) {
  const execution = await getExecution(policyId, rowIdOr404(idValue, "execution"));
  if (!execution) throw notFound("execution");
  return execution;
}
