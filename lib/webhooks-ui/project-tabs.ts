/** Which sections of a project a role may open: the project pages' tabs, and where the project's home leads. */
import { can, type ProjectAccess } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";

const PROJECT_TABS: { slug: string; label: string; permission: ProjectPermission }[] = [
  { slug: "webhooks", label: "Webhooks", permission: "webhook.read" },
  { slug: "events", label: "Events", permission: "webhook.read" },
  { slug: "members", label: "Members", permission: "members.read" },
  { slug: "api-keys", label: "API keys", permission: "apiKeys.manage" },
];

export function visibleProjectTabs(role: ProjectAccess["role"]): { slug: string; label: string }[] {
  return PROJECT_TABS.filter((t) => can(role, t.permission)).map(({ slug, label }) => ({ slug, label }));
}
