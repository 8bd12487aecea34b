import { notFound, redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { requireProject, type ProjectAccess } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";
import { requireUserPage } from "@/lib/auth/session";

/** For pages: the signed-in user's access to a project, or the 404 / forbidden page. */
export async function pageProjectAccess(projectName: string, permission: ProjectPermission) {
  const user = await requireUserPage();
  let access: ProjectAccess;
  try {
    access = await requireProject(user, decodeURIComponent(projectName), permission);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    if (err instanceof AppError && err.code === "forbidden")
      redirect(`/forbidden?what=${encodeURIComponent(permission)}`);
    throw err;
  }
  return { user, ...access };
}

/** For system-admin pages. */
export async function pageSysadmin() {
  const user = await requireUserPage();
  if (!user.sysadmin) redirect("/forbidden?what=system%20administration");
  return user;
}
