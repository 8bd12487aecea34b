/** The alerts a webhook's page shows: what was told about its targets, to whom, and what became of it. */
import type { SystemAccess } from "@/lib/auth/access";
import { getDb, type Db } from "@/lib/db/client";
import { webhooksBase } from "@/lib/shared/webhook-scope";
import { resolveSmtp } from "@/lib/settings/smtp";
import type { SystemSettings } from "@/lib/settings/settings";
import type { AlertView } from "@/lib/shared/webhook-views";
import { alertAddress } from "./message";

export const ALERT_PAGE_SIZE = 10;

/** Whether alerts can be emailed now (an SMTP server is set up, in the settings or SMTP_URL). */
export function alertsEmailable(settings: SystemSettings): boolean {
  return resolveSmtp(settings).ok;
}

type AlertRow = NonNullable<Awaited<ReturnType<Db["operatorAlert"]["findFirst"]>>>;

/** The newest alerts of a policy; the addresses emailed only for those who manage it. */
export async function recentAlerts(policyId: number, opts: { showRecipients: boolean }): Promise<AlertView[]> {
  const db = await getDb();
  const rows = await db.operatorAlert.findMany({
    where: { policyId },
    orderBy: { id: "desc" },
    take: ALERT_PAGE_SIZE,
  });
  return rows.map((a) => alertView(a, opts.showRecipients));
}

/** Every webhook's newest alerts, destinations' and instance-wide ones' too: the system admins' list. */
export async function instanceAlerts(_access: SystemAccess, take = 50): Promise<AlertView[]> {
  const db = await getDb();
  const rows = await db.operatorAlert.findMany({
    orderBy: { id: "desc" },
    take,
    include: { policy: { select: { name: true, kind: true, projectId: true, project: { select: { name: true } } } } },
  });
  return rows.map((a) => ({
    ...alertView(a, true),
    webhook: {
      name: a.policy.name || (a.policy.kind === "destination" ? "(destination)" : ""),
      project: a.policy.project?.name ?? null,
      href:
        a.policy.kind !== "policy"
          ? null
          : `${webhooksBase(a.policy.project ? a.policy.project.name : null)}/${a.policyId}`,
    },
  }));
}

function alertView(a: AlertRow, showRecipients: boolean): AlertView {
  return {
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
    emailedTo: showRecipients ? a.emailedTo : null,
    eventId: a.eventId,
    eventDetail: a.eventDetail,
  };
}
