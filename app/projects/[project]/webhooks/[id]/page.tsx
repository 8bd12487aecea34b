import { PageHeader } from "@/components/ui";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { PolicyDetail } from "@/components/webhooks/policy-detail";
import { loadPolicyDetail } from "@/lib/webhooks-ui/loaders";
import { one, type SearchParams } from "@/lib/shared/search-params";
import { titled, webhookTitle } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string; id: string }> }) {
  const { project, id } = await params;
  return titled(await webhookTitle(project, id), "Webhooks", project);
}

export default async function PolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name, id } = await params;
  const sp = await searchParams;
  const data = await loadPolicyDetail(name, id, sp);
  const project = data.project.name;
  return (
    <>
      <PageHeader title={project} subtitle="Webhooks tell other systems about events in this project's repositories." />
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="webhooks" />
      <PolicyDetail scope={project} data={data} saved={!!one(sp, "saved")} />
    </>
  );
}
