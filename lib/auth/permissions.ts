import type { ProjectRole } from "@/lib/shared/roles";

/**
 * Who may do what inside a project. System admins may do everything everywhere; API keys act
 * inside their own project with the "apiKey" column. One table, used by pages, server actions and
 * route handlers alike.
 */
export const PROJECT_PERMISSIONS = {
  /** (any signed-in user also reads a public project through Harbor's API: ProjectCheckOptions) */
  "project.read": ["projectAdmin", "maintainer", "developer", "guest", "apiKey"],
  "members.read": ["projectAdmin", "maintainer", "developer", "guest"],
  "members.manage": ["projectAdmin"],
  "webhook.read": ["projectAdmin", "maintainer", "apiKey"],
  "webhook.manage": ["projectAdmin", "apiKey"],
  /** see that an auth header is set (masked) and the signing key metadata */
  "webhook.secrets": ["projectAdmin", "apiKey"],
  "events.send": ["projectAdmin", "apiKey"],
  /** see which instance-wide webhooks cover the project: their names, event types and target types only */
  "webhook.coverage": ["projectAdmin"],
  "apiKeys.manage": ["projectAdmin"],
  /** the project's audit log (Harbor's project logs) */
  "audit.read": ["projectAdmin"],
  "project.delete": [],
} as const satisfies Record<string, readonly (ProjectRole | "apiKey")[]>;

export type ProjectPermission = keyof typeof PROJECT_PERMISSIONS;

/** Instance-wide permissions are the system admin's alone. */
export const SYSTEM_PERMISSIONS = ["project.create", "users.manage", "settings.manage", "webhooks.instance"] as const;
export type SystemPermission = (typeof SYSTEM_PERMISSIONS)[number];

export function roleAllows(role: ProjectRole | "apiKey" | undefined, permission: ProjectPermission): boolean {
  if (!role) return false;
  return (PROJECT_PERMISSIONS[permission] as readonly string[]).includes(role);
}
