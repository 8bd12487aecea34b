import { AppError } from "@/lib/errors";
import { pagedJson, parsePaging, sliceToPage } from "@/lib/api/pagination";
import { created } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { getDb } from "@/lib/db/client";
import { harborMemberInputSchema } from "@/lib/harbor-api/inputs";
import { toHarborMember } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { addGroupMember, addMember, listMembers } from "@/lib/projects/service";
import { resolveMemberGroup } from "@/lib/harbor-api/member-group";

/** GET /api/v2.0/projects/{p}/members (Harbor's `entityname` filters by user name, fuzzy). */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "members.read" },
  async ({ req, access }) => {
    const paging = parsePaging(req.nextUrl.searchParams);
    const { project, members } = await listMembers(access);
    const entity = req.nextUrl.searchParams.get("entityname")?.toLowerCase();
    const matching = entity ? members.filter((m) => m.name.toLowerCase().includes(entity)) : members;
    const items = sliceToPage(matching, paging).map((m) => toHarborMember({ ...m, projectId: project.id }));
    return pagedJson(req, items, paging, matching.length);
  },
);

/**
 * POST /api/v2.0/projects/{p}/members `{role_id, member_user: {username} | {user_id}}` or
 * `{role_id, member_group: {group_type: 1, ldap_group_dn} | {group_type: 3, group_name} | {id}}` → 201 + Location.
 */
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "members.manage" },
  async ({ req, access, body }) => {
    // The wrapper checks the role before the body is read, so callers without it learn nothing from validation.
    const input = await body(harborMemberInputSchema);
    if (input.member_group) {
      const group = await resolveMemberGroup(input.member_group);
      const member = await addGroupMember(access, { ...group, role: input.role_id });
      return created(req, member.id);
    }
    let username = input.member_user!.username;
    if (username === undefined) {
      const user = await (
        await getDb()
      ).user.findUnique({ where: { id: input.member_user!.user_id! }, select: { username: true } });
      if (!user)
        throw new AppError(
          "validation_error",
          `member_user.user_id: no user with id ${input.member_user!.user_id}`,
          "member_user.user_id",
        );
      username = user.username;
    }
    const member = await addMember(access, { username, role: input.role_id });
    return created(req, member.id);
  },
);
