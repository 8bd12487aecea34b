import { AppError } from "@/lib/errors";
import { pagedJson, pageOf, parsePaging } from "@/lib/api/pagination";
import { parseWith, readJson } from "@/lib/api/route";
import { requireProject } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { harborMemberInputSchema } from "@/lib/harbor-api/inputs";
import { toHarborMember } from "@/lib/harbor-api/mappers";
import { created, harborRoute, type ProjectParams } from "@/lib/harbor-api/route-helpers";
import { addMember, listMembers } from "@/lib/projects/service";

/** GET /api/v2.0/projects/{p}/members (Harbor's `entityname` filters by user name, fuzzy). */
export const GET = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  const paging = parsePaging(req.nextUrl.searchParams);
  const { project, members } = await listMembers(actor, params.project_name_or_id);
  const entity = req.nextUrl.searchParams.get("entityname")?.toLowerCase();
  const matching = entity ? members.filter((m) => m.username.toLowerCase().includes(entity)) : members;
  const items = pageOf(matching, paging).map((m) => toHarborMember({ ...m, projectId: project.id }));
  return pagedJson(req, items, paging, matching.length);
});

/** POST /api/v2.0/projects/{p}/members `{role_id, member_user: {username} | {user_id}}` → 201 + Location. */
export const POST = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  // The role is checked before the body, so callers without it learn nothing from validation.
  await requireProject(actor, params.project_name_or_id, "members.manage");
  const body = await readJson(req);
  const input = parseWith(harborMemberInputSchema, body);
  let username = input.member_user.username;
  if (username === undefined) {
    const user = await (
      await getDb()
    ).user.findUnique({ where: { id: input.member_user.user_id! }, select: { username: true } });
    if (!user)
      throw new AppError(
        "validation_error",
        `member_user.user_id: no user with id ${input.member_user.user_id}`,
        "member_user.user_id",
      );
    username = user.username;
  }
  const member = await addMember(actor, params.project_name_or_id, { username, role: input.role_id });
  return created(req, member.id);
});
