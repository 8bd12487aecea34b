import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { PolicyForm } from "@/components/webhooks/policy-form";
import { loadPolicyForm } from "@/lib/webhooks-ui/loaders";
import { emptyPolicyForm } from "@/lib/shared/policy-form";
import { titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("New webhook", "Webhooks", (await params).project);
}

export default async function NewWebhookPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const data = await loadPolicyForm(name);
  const project = data.project.name;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/projects/${encodeURIComponent(project)}/webhooks`} className="text-sky-800 hover:underline">
          ← {project} webhooks
        </Link>
      </nav>
      <PageHeader title="New webhook" subtitle={`Notify an endpoint of events in project ${project}.`} />
      <PolicyForm
        project={project}
        initial={emptyPolicyForm()}
        extraTargets={[]}
        defaults={data.defaults}
        signingOverlapHours={data.signingOverlapHours}
      />
    </>
  );
}
