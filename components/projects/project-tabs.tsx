import Link from "next/link";

/** A section of a project's pages; the page passes only the tabs the viewer's role may open. */
export type ProjectTab = { slug: string; label: string };

export function ProjectTabs({ project, tabs, active }: { project: string; tabs: ProjectTab[]; active: string }) {
  return (
    <nav aria-label="Project sections" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((t) => (
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
