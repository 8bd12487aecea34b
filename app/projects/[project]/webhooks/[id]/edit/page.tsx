import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { PolicyForm } from "@/components/webhooks/policy-form";
import { loadPolicyForm } from "@/lib/webhooks-ui/loaders";
import { policyToFormValues } from "@/lib/shared/policy-form";
import { titled, webhookTitle } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string; id: string }> }) {
  const { project, id } = await params;
  return titled(`Edit ${await webhookTitle(project, id)}`, "Webhooks", project);
}

export default async function EditWebhookPage({ params }: { params: Promise<{ project: string; id: string }> }) {
  const { project: name, id } = await params;
  const data = await loadPolicyForm(name, id);
  const policy = data.policy!;
  const project = data.project.name;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link
          href={`/projects/${encodeURIComponent(project)}/webhooks/${policy.id}`}
          className="text-sky-800 hover:underline"
        >
          ← {policy.name}
        </Link>
      </nav>
      <PageHeader title={`Edit webhook “${policy.name}”`} subtitle={`Project ${project}`} />
      <PolicyForm
        project={project}
        policyId={policy.id}
        initial={policyToFormValues(policy)}
        extraTargets={policy.targets.slice(1)}
        defaults={data.defaults}
        signingOverlapHours={data.signingOverlapHours}
      />
    </>
  );
}
