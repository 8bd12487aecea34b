import Link from "next/link";
import { Badge, Card, Clamp, Notice, Table, Td } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { ALERT_KIND_LABELS, isAlertKind } from "@/lib/shared/alerts";
import { formatDuration } from "@/lib/shared/display";
import type { AlertsView, AlertView } from "@/lib/shared/webhook-views";

const EMAIL_TONES = { sent: "green", failed: "red", not_emailed: "amber", pending: "gray" } as const;
const EMAIL_LABELS = {
  sent: "Emailed",
  failed: "Email failed",
  not_emailed: "Not emailed",
  pending: "Pending",
} as const;

function EmailState({ alert }: { alert: AlertView }) {
  const status = (alert.emailStatus in EMAIL_LABELS ? alert.emailStatus : "pending") as keyof typeof EMAIL_LABELS;
  return (
    <div className="space-y-0.5">
      <Badge tone={EMAIL_TONES[status]}>{alert.sentAt ? EMAIL_LABELS[status] : "Waiting to be sent"}</Badge>
      {alert.emailedTo && <Clamp text={alert.emailedTo} lines={2} className="text-xs text-slate-600" />}
      {alert.emailDetail && status !== "sent" && <Clamp text={alert.emailDetail} className="text-xs text-slate-600" />}
    </div>
  );
}

/** Said wherever alerts are listed while no SMTP server is set up. */
export function NoSmtpNotice() {
  return (
    <Notice tone="amber">
      Alerts cannot be emailed: no SMTP server is set up (System settings › Email (SMTP)). They are recorded here and
      still raised as operational events.
    </Notice>
  );
}

/** Alerts, newest first: what was told, to whom, and the operational event raised. */
export function AlertsTable({ rows }: { rows: AlertView[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-600">No alerts yet.</p>;
  const withWebhook = rows.some((a) => a.webhook);
  return (
    <Table
      head={["Alert", ...(withWebhook ? ["Webhook"] : []), "Target", "When", "Why", "Email", "Operational event"]}
      caption="Alerts, newest first"
    >
      {rows.map((a) => (
        <tr key={a.id}>
          <Td>
            <Badge tone={a.kind === "target_resumed" ? "green" : "red"}>
              {isAlertKind(a.kind) ? ALERT_KIND_LABELS[a.kind] : a.kind}
            </Badge>
          </Td>
          {withWebhook && (
            <Td>
              {a.webhook?.href ? (
                <Link href={a.webhook.href} className="text-sky-800 hover:underline">
                  {a.webhook.name}
                </Link>
              ) : (
                a.webhook?.name
              )}
              <span className="block text-xs text-slate-600">{a.webhook?.project ?? "Instance-wide"}</span>
            </Td>
          )}
          <Td>
            <Clamp text={a.address} url />
          </Td>
          <Td>
            <Time date={a.createdAt} />
          </Td>
          <Td>
            <Clamp text={a.reason} lines={3} />
            {a.deliveries > 0 && (
              <span className="block text-xs text-slate-600">
                {a.deliveries} {a.deliveries === 1 ? "delivery" : "deliveries"} failed after all retries
              </span>
            )}
            {a.operator && <span className="block text-xs text-slate-600">by {a.operator}</span>}
          </Td>
          <Td>
            <EmailState alert={a} />
          </Td>
          <Td>
            <span className="text-xs text-slate-700">
              {a.eventId !== null && `#${a.eventId} `}
              {a.eventDetail || (a.sentAt ? "" : "waiting")}
            </span>
          </Td>
        </tr>
      ))}
    </Table>
  );
}

/**
 * A webhook's alerts: what its targets' pauses, resumes and failed deliveries told people (email)
 * and operations channels (operational events), newest first.
 */
export function AlertsPanel({ alerts, instanceWide }: { alerts: AlertsView; instanceWide: boolean }) {
  const who = instanceWide ? "the system admins" : "the project's admins";
  return (
    <Card title="Alerts">
      <section aria-label="Alerts" data-testid="alerts" className="space-y-3">
        <p className="text-sm text-slate-700">
          When a target of this webhook is paused or resumed, or its deliveries fail after all retries (a digest at most
          every {formatDuration(alerts.digestEveryMs)}), {who} and the webhook&apos;s creator are emailed, and an
          operational event goes to the instance&apos;s{" "}
          <Link href="/event-types#webhook.target_paused" prefetch={false} className="text-sky-800 underline">
            operations channels
          </Link>
          .
        </p>
        {!alerts.emailable && <NoSmtpNotice />}
        <AlertsTable rows={alerts.rows} />
      </section>
    </Card>
  );
}
