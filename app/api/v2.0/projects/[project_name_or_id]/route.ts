import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import { toHarborProject } from "@/lib/harbor-api/mappers";
import { memberRoles, PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { deleteProject } from "@/lib/projects/service";

/** GET /api/v2.0/projects/{project_name_or_id}: members, system admins, the project's keys, and any signed-in user for a public project. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "project.read", publicReadable: true },
  async ({ actor, access }) => {
    const row = await (await getDb()).project.findUnique({ where: { id: access.project.id } });
    if (!row) throw notFound("project");
    const roles = await memberRoles(actor, [row.id]);
    return NextResponse.json(toHarborProject(row, roles.get(row.id)));
  },
);

/** DELETE /api/v2.0/projects/{project_name_or_id}: system admins only; its policies and history go with it. */
export const DELETE = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "project.delete" },
  async ({ access }) => {
    await deleteProject(access);
    return okEmpty();
  },
);
