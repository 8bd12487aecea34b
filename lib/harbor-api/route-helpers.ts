import type { Actor } from "@/lib/auth/actor";
import { isProjectRole, type ProjectRole } from "@/lib/shared/roles";
import { getDb } from "@/lib/db/client";

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
