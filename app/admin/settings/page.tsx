import { PageHeader } from "@/components/ui";
import { SettingsForm } from "@/components/settings/settings-form";
import { loadSettingsPage } from "@/lib/webhooks-ui/loaders";

export default async function SettingsPage() {
  const data = await loadSettingsPage();
  return (
    <>
      <PageHeader
        title="System settings"
        subtitle="Instance-wide webhook settings. Only system admins see this page."
      />
      <SettingsForm {...data} />
    </>
  );
}
