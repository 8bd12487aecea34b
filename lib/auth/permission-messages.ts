/**
 * What a refusal says: who may do the thing, read from the permission table, so the message stays
 * right when the table changes. Used by the access checks (API answers, server actions) and the pages.
 */
import { PROJECT_PERMISSIONS, type ProjectPermission, type SystemPermission } from "@/lib/auth/permissions";
import { PROJECT_ROLES, type ProjectRole } from "@/lib/shared/roles";

const ACTIONS: Record<ProjectPermission | SystemPermission, string> = {
  "project.read": "see this project",
  "members.read": "see the members of this project",
  "members.manage": "manage members",
  "webhook.read": "see webhooks",
  "webhook.manage": "change webhooks",
  "webhook.secrets": "see webhook secrets",
  "events.send": "send events",
  "apiKeys.manage": "manage API keys",
  "audit.read": "see the audit log of this project",
  "project.delete": "delete projects",
  "project.create": "create projects",
  "users.manage": "manage users",
  "settings.manage": "change system settings",
  "webhooks.instance": "manage instance-wide webhooks",
  "webhook.coverage": "see which webhooks of the whole instance cover this project",
};

const ROLES_PLURAL: Record<ProjectRole, string> = {
  projectAdmin: "project admins",
  maintainer: "maintainers",
  developer: "developers",
  guest: "guests",
};

function isProjectPermission(permission: string): permission is ProjectPermission {
  return Object.hasOwn(PROJECT_PERMISSIONS, permission);
}

/** "project admins", "project admins and maintainers", "project members", "system admins". */
export function whoMay(permission: ProjectPermission | SystemPermission): string {
  if (!isProjectPermission(permission)) return "system admins";
  const allowed: readonly string[] = PROJECT_PERMISSIONS[permission];
  const roles = PROJECT_ROLES.filter((r) => allowed.includes(r));
  if (roles.length === 0) return "system admins";
  if (roles.length === PROJECT_ROLES.length) return "project members";
  const names = roles.map((r) => ROLES_PLURAL[r]);
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** "Only project admins can manage API keys." */
export function refusalMessage(permission: ProjectPermission | SystemPermission): string {
  return `Only ${whoMay(permission)} can ${ACTIONS[permission]}.`;
}

/**
 * What the forbidden page says for a permission named in its URL (`/forbidden?what=`): the refusal
 * and whom to ask. Anything but a permission's name gets a fixed general text.
 */
export function forbiddenPageText(code: unknown): { refusal: string; ask: string } {
  if (typeof code !== "string" || !Object.hasOwn(ACTIONS, code))
    return { refusal: "Your role does not allow this.", ask: "a project admin or a system admin" };
  const permission = code as ProjectPermission | SystemPermission;
  return {
    refusal: refusalMessage(permission),
    ask: whoMay(permission) === "system admins" ? "a system admin" : "a project admin or a system admin",
  };
}
