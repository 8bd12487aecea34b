import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { requireProject } from "@/lib/auth/access";
import { parseWith, readJson } from "@/lib/api/route";
import { harborMemberUpdateSchema } from "@/lib/harbor-api/inputs";
import { toHarborMember } from "@/lib/harbor-api/mappers";
import { harborRoute, idParam, okEmpty, type ProjectParams } from "@/lib/harbor-api/route-helpers";
import { listMembers, removeMember, updateMemberRole } from "@/lib/projects/service";

type Params = ProjectParams & { mid: string };

/** GET /api/v2.0/projects/{p}/members/{mid} */
export const GET = harborRoute<Params>(async ({ params, actor }) => {
  const id = idParam(params.mid, "member");
  const { project, members } = await listMembers(actor, params.project_name_or_id);
  const member = members.find((m) => m.id === id);
  if (!member) throw notFound("member");
  return NextResponse.json(toHarborMember({ ...member, projectId: project.id }));
});

/** PUT /api/v2.0/projects/{p}/members/{mid} `{role_id}` */
export const PUT = harborRoute<Params>(async ({ req, params, actor }) => {
  await requireProject(actor, params.project_name_or_id, "members.manage");
  const id = idParam(params.mid, "member");
  const { role_id } = parseWith(harborMemberUpdateSchema, await readJson(req));
  await updateMemberRole(actor, params.project_name_or_id, id, role_id);
  return okEmpty();
});

/** DELETE /api/v2.0/projects/{p}/members/{mid} */
export const DELETE = harborRoute<Params>(async ({ params, actor }) => {
  await removeMember(actor, params.project_name_or_id, idParam(params.mid, "member"));
  return okEmpty();
});
