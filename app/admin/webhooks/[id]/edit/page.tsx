import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { PolicyForm } from "@/components/webhooks/policy-form";
import { loadInstancePolicyForm } from "@/lib/webhooks-ui/loaders";
import { policyToFormValues } from "@/lib/shared/policy-form";
import { instanceWebhookTitle, titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return titled(`Edit ${await instanceWebhookTitle((await params).id)}`, "Instance-wide webhooks");
}

export default async function EditInstanceWebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const data = await loadInstancePolicyForm((await params).id);
  const policy = data.policy!;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href={`/admin/webhooks/${policy.id}`} className="text-sky-800 hover:underline">
          ← {policy.name}
        </Link>
      </nav>
      <PageHeader title={`Edit webhook “${policy.name}”`} subtitle="Instance-wide" />
      <PolicyForm
        project={null}
        policyId={policy.id}
        initial={policyToFormValues(policy)}
        extraTargets={policy.targets.slice(1)}
        defaults={data.defaults}
        signingOverlapHours={data.signingOverlapHours}
      />
    </>
  );
}
