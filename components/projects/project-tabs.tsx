import Link from "next/link";
import { can, type ProjectAccess } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";

const TABS: { slug: string; label: string; permission: ProjectPermission }[] = [
  { slug: "webhooks", label: "Webhooks", permission: "webhook.read" },
  { slug: "members", label: "Members", permission: "members.read" },
  { slug: "api-keys", label: "API keys", permission: "apiKeys.manage" },
];

export function visibleTabs(role: ProjectAccess["role"]) {
  return TABS.filter((t) => can(role, t.permission));
}

export function ProjectTabs({
  project,
  role,
  active,
}: {
  project: string;
  role: ProjectAccess["role"];
  active: string;
}) {
  return (
    <nav aria-label="Project sections" className="mb-6 flex gap-1 border-b border-slate-200">
      {visibleTabs(role).map((t) => (
        <Link
          key={t.slug}
          href={`/projects/${project}/${t.slug}`}
          aria-current={active === t.slug ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active === t.slug ? "border-sky-700 text-sky-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
