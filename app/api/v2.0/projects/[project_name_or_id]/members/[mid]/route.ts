import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { harborMemberUpdateSchema } from "@/lib/harbor-api/inputs";
import { toHarborMember } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { listMembers, removeMember, updateMemberRole } from "@/lib/projects/service";

/** GET /api/v2.0/projects/{p}/members/{mid} */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "members.read" },
  async ({ params, access }) => {
    const id = rowIdOr404(params.mid, "member");
    const { project, members } = await listMembers(access);
    const member = members.find((m) => m.id === id);
    if (!member) throw notFound("member");
    return NextResponse.json(toHarborMember({ ...member, projectId: project.id }));
  },
);

/** PUT /api/v2.0/projects/{p}/members/{mid} `{role_id}` */
export const PUT = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "members.manage" },
  async ({ params, access, body }) => {
    const id = rowIdOr404(params.mid, "member");
    const { role_id } = await body(harborMemberUpdateSchema);
    await updateMemberRole(access, id, role_id);
    return okEmpty();
  },
);

/** DELETE /api/v2.0/projects/{p}/members/{mid} */
export const DELETE = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "members.manage" },
  async ({ params, access }) => {
    await removeMember(access, rowIdOr404(params.mid, "member"));
    return okEmpty();
  },
);
