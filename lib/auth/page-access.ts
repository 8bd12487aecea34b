import { notFound, redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { requireProject, requireSystem, type ProjectAccess, type SystemAccess } from "@/lib/auth/access";
import type { ProjectPermission, SystemPermission } from "@/lib/auth/permissions";
import { requireUserPage } from "@/lib/auth/session";

/**
 * For pages: the signed-in user's access to a project, or the 404 / forbidden page. `access` is
 * the value services take; the other fields are its parts, for rendering.
 */
export async function pageProjectAccess<P extends ProjectPermission>(projectName: string, permission: P) {
  const user = await requireUserPage();
  let access: ProjectAccess<P, typeof user>;
  try {
    access = await requireProject(user, decodeURIComponent(projectName), permission);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    if (err instanceof AppError && err.code === "forbidden")
      redirect(`/forbidden?what=${encodeURIComponent(permission)}`);
    throw err;
  }
  return { user, project: access.project, role: access.role, access };
}

/** For system-admin pages: the access system services take (its `userId` is the admin's). */
export async function pageSysadmin(permission: SystemPermission): Promise<SystemAccess> {
  const user = await requireUserPage();
  if (!user.sysadmin) redirect(`/forbidden?what=${encodeURIComponent(permission)}`);
  return requireSystem(user, permission);
}
