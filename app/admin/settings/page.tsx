import { PageHeader } from "@/components/ui";
import { RegistryConnection } from "@/components/settings/registry-connection";
import { SettingsForm } from "@/components/settings/settings-form";
import { AuthSettings } from "@/components/settings/auth-settings";
import { loadSettingsPage } from "@/lib/webhooks-ui/loaders";
import { authSettingsView } from "@/lib/settings/auth-settings";

export const metadata = { title: "System settings" };

export default async function SettingsPage() {
  const { registryFeed, ...data } = await loadSettingsPage();
  const auth = await authSettingsView();
  return (
    <>
      <PageHeader
        title="System settings"
        subtitle="Instance-wide webhook settings. Only system admins see this page."
      />
      <div className="space-y-6">
        <RegistryConnection {...registryFeed} />
        <SettingsForm {...data} />
        <AuthSettings view={auth} />
      </div>
    </>
  );
}
