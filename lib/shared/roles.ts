/** Project roles (Harbor's four) with their labels and Harbor's numeric role ids: shared by the APIs, access checks and the member forms. */
export const PROJECT_ROLES = ["projectAdmin", "maintainer", "developer", "guest"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** Harbor's role ids, used by the Harbor-compatible members API. */
export const HARBOR_ROLE_IDS: Record<number, ProjectRole> = {
  1: "projectAdmin",
  2: "developer",
  3: "guest",
  4: "maintainer",
};

export const ROLE_LABELS: Record<ProjectRole, string> = {
  projectAdmin: "Project admin",
  maintainer: "Maintainer",
  developer: "Developer",
  guest: "Guest",
};

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === "string" && (PROJECT_ROLES as readonly string[]).includes(value);
}
