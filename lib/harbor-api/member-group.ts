import { AppError } from "@/lib/errors";
import { GROUP_TYPES, type GroupType } from "@/lib/auth/sso/groups";
import { getDb } from "@/lib/db/client";
import type { HarborMemberGroupInput } from "@/lib/harbor-api/inputs";

/** The group a member request names: an existing one by id, or an LDAP DN / OIDC name (created when new). */
export async function resolveMemberGroup(
  input: HarborMemberGroupInput,
): Promise<{ groupType: GroupType; name: string }> {
  if (input.id !== undefined) {
    const group = await (await getDb()).userGroup.findUnique({ where: { id: input.id } });
    if (!group)
      throw new AppError("validation_error", `member_group.id: no group with id ${input.id}`, "member_group.id");
    return { groupType: group.groupType as GroupType, name: group.name };
  }
  if (input.group_type === GROUP_TYPES.ldap) return { groupType: GROUP_TYPES.ldap, name: input.ldap_group_dn! };
  return { groupType: GROUP_TYPES.oidc, name: input.group_name! };
}
