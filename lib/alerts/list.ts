/** The alerts a webhook's page shows: what was told about its targets, to whom, and what became of it. */
import { getDb } from "@/lib/db/client";
import { resolveSmtp } from "@/lib/settings/smtp";
import type { SystemSettings } from "@/lib/settings/settings";
import type { AlertView } from "@/lib/shared/webhook-views";
import { alertAddress } from "./message";

export const ALERT_PAGE_SIZE = 10;

/** Whether alerts can be emailed now (an SMTP server is set up, in the settings or SMTP_URL). */
export function alertsEmailable(settings: SystemSettings): boolean {
  return resolveSmtp(settings).ok;
}

/** The newest alerts of a policy; the addresses emailed only for those who manage it. */
export async function recentAlerts(policyId: number, opts: { showRecipients: boolean }): Promise<AlertView[]> {
  const db = await getDb();
  const rows = await db.operatorAlert.findMany({
    where: { policyId },
    orderBy: { id: "desc" },
    take: ALERT_PAGE_SIZE,
  });
  return rows.map((a) => ({
    id: a.id,
    kind: a.kind,
    address: alertAddress(a.address),
    createdAt: a.createdAt,
    sentAt: a.sentAt,
    reason: a.reason,
    operator: a.operator,
    deliveries: a.deliveries,
    emailStatus: a.emailStatus,
    emailDetail: a.emailDetail,
    emailedTo: opts.showRecipients ? a.emailedTo : null,
    eventId: a.eventId,
    eventDetail: a.eventDetail,
  }));
}
