import { PageHeader } from "@/components/ui";
import { AlertsTable, NoSmtpNotice } from "@/components/webhooks/alerts-panel";
import { instanceAlerts, alertsEmailable } from "@/lib/alerts/list";
import { pageSysadmin } from "@/lib/auth/page-access";
import { getSettings } from "@/lib/settings/settings";

export const metadata = { title: "Alerts" };

/** Every webhook's operator alerts (destinations' and instance-wide ones' too), newest first. */
export default async function AlertsPage() {
  const access = await pageSysadmin("webhooks.instance");
  const [rows, settings] = await Promise.all([instanceAlerts(access), getSettings()]);
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle="Targets paused or resumed, and digests of deliveries that failed after all retries, for every webhook: who was emailed, and the operational event raised for the operations channels (instance-wide webhooks that select them)."
      />
      <div className="space-y-3">
        {!alertsEmailable(settings) && <NoSmtpNotice />}
        <AlertsTable rows={rows} />
      </div>
    </>
  );
}
