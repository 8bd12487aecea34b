import Link from "next/link";
import { PageHeader } from "@/components/ui";
import { PolicyForm } from "@/components/webhooks/policy-form";
import { loadInstancePolicyForm } from "@/lib/webhooks-ui/loaders";
import { emptyPolicyForm } from "@/lib/shared/policy-form";
import { titled } from "@/lib/webhooks-ui/titles";

export const metadata = titled("New webhook", "Instance-wide webhooks");

export default async function NewInstanceWebhookPage() {
  const data = await loadInstancePolicyForm();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/admin/webhooks" className="text-sky-800 hover:underline">
          ← Instance-wide webhooks
        </Link>
      </nav>
      <PageHeader
        title="New instance-wide webhook"
        subtitle="Notify an endpoint of events in every project, or in the projects you name."
      />
      <PolicyForm
        project={null}
        initial={emptyPolicyForm()}
        extraTargets={[]}
        defaults={data.defaults}
        signingOverlapHours={data.signingOverlapHours}
      />
    </>
  );
}
