/**
 * Harbor's user groups: an LDAP group is known by its DN (group_type 1), an OIDC group by its name
 * (group_type 3). A group is stored once (UserGroup, by type and key) and a directory user's groups
 * are refreshed at each sign-in (UserGroupMembership), so project rights given to a group reach
 * its members through the database alone.
 */
import type { Tx } from "@/lib/db/client";

export const GROUP_TYPES = { ldap: 1, oidc: 3 } as const;
export type GroupType = (typeof GROUP_TYPES)[keyof typeof GROUP_TYPES];
export type DirectorySource = keyof typeof GROUP_TYPES;

/** A DN compared as LDAP does for the usual attribute types: case and spaces after commas ignored. */
export function normalizeDn(dn: string): string {
  return dn
    .trim()
    .split(/\s*,\s*/)
    .map((rdn) => rdn.replace(/\s*=\s*/, "="))
    .join(",")
    .toLowerCase();
}

/** The stored key of a group: its normalized DN (LDAP) or its exact name (OIDC). */
export function groupKey(type: GroupType, name: string): string {
  return type === GROUP_TYPES.ldap ? normalizeDn(name) : name.trim();
}

/** The group's row, created when first seen (by a sign-in or by adding it to a project). */
export async function ensureGroup(tx: Tx, type: GroupType, name: string): Promise<{ id: number; name: string }> {
  const key = groupKey(type, name);
  return tx.userGroup.upsert({
    where: { groupType_key: { groupType: type, key } },
    update: {},
    create: { groupType: type, key, name: name.trim() },
    select: { id: true, name: true },
  });
}

/** At most this many groups are kept per user (a directory may list thousands). */
export const MAX_GROUPS_PER_USER = 500;

/**
 * Replaces the user's groups with `names` (as the directory said at this sign-in). Writes only what
 * changed: with HTTP Basic on the API every request is a sign-in, and SQLite has one writer.
 */
export async function refreshUserGroups(tx: Tx, userId: number, source: DirectorySource, names: string[]) {
  const type = GROUP_TYPES[source];
  const wanted = new Map<string, string>();
  for (const n of names) if (n.trim() && wanted.size < MAX_GROUPS_PER_USER) wanted.set(groupKey(type, n), n);
  const known = await tx.userGroup.findMany({
    where: { groupType: type, key: { in: [...wanted.keys()] } },
    select: { id: true, key: true },
  });
  const ids = known.map((g) => g.id);
  const knownKeys = new Set(known.map((g) => g.key));
  for (const [key, name] of wanted) if (!knownKeys.has(key)) ids.push((await ensureGroup(tx, type, name)).id);
  const existing = await tx.userGroupMembership.findMany({ where: { userId }, select: { groupId: true } });
  const have = new Set(existing.map((m) => m.groupId));
  const stale = existing.filter((m) => !ids.includes(m.groupId)).map((m) => m.groupId);
  if (stale.length > 0) await tx.userGroupMembership.deleteMany({ where: { userId, groupId: { in: stale } } });
  for (const groupId of ids) if (!have.has(groupId)) await tx.userGroupMembership.create({ data: { userId, groupId } });
}
