import { notFound } from "@/lib/errors";
import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { toHarborProject } from "@/lib/harbor-api/mappers";
import { harborRoute, memberRoles, okEmpty, readableProject, type ProjectParams } from "@/lib/harbor-api/route-helpers";
import { deleteProject } from "@/lib/projects/service";

/** GET /api/v2.0/projects/{project_name_or_id} */
export const GET = harborRoute<ProjectParams>(async ({ params, actor }) => {
  const { project } = await readableProject(actor, params.project_name_or_id);
  const row = await (await getDb()).project.findUnique({ where: { id: project.id } });
  if (!row) throw notFound("project");
  const roles = await memberRoles(actor, [row.id]);
  return NextResponse.json(toHarborProject(row, roles.get(row.id)));
});

/** DELETE /api/v2.0/projects/{project_name_or_id}: system admins only; its policies and history go with it. */
export const DELETE = harborRoute<ProjectParams>(async ({ params, actor }) => {
  await deleteProject(actor, params.project_name_or_id);
  return okEmpty();
});
