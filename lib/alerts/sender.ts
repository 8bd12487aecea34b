/**
 * The alert sender, run beside every delivery worker (scripts/worker.ts): takes the operator alerts
 * that are due (recorded by lib/delivery/alert-record.ts) (a conditional
 * update, so two workers never take one), raises each one's operational event through the ordinary
 * ingest (delivered, retried, signed and recorded like any event, to the instance-wide webhooks that
 * select it), emails it, and records what became of both on the alert.
 *
 * At least once: an alert whose worker stopped mid-way is taken again once its lease ends; its
 * event is found by its idempotency key instead of being raised twice (an email may go twice).
 */
import { env } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { rawExecute } from "@/lib/db/raw";
import { Prisma } from "@/lib/db/sql";
import { sendEmail } from "@/lib/delivery/email-sender";
import { ingestEvent } from "@/lib/events/ingest";
import { logger } from "@/lib/log/logger";
import { policyEventTypes } from "@/lib/policies/service";
import { allowedNetworks, getSettings, type SystemSettings } from "@/lib/settings/settings";
import { resolveSmtp } from "@/lib/settings/smtp";
import { NO_SMTP_DETAIL, type EmailStatus } from "@/lib/shared/alerts";
import { isOperationalEventType, type HarborEvent } from "@/lib/shared/events";
import { alertEmail, operationalEvent, type AlertFacts } from "./message";
import { alertRecipients } from "./recipients";

/** How long a worker holds an alert it took: past this, another worker sends it. */
export const ALERT_LEASE_MS = 60_000;
const BATCH = 20;

export type AlertSender = { stop: () => Promise<void> };

/** Sends due alerts every `everyMs` as `owner`, one round at a time, until stopped (a round under way finishes). */
export function startAlertSender(opts: { owner: string; everyMs?: number }): AlertSender {
  let round: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (round) return;
    round = sendDueAlerts(opts.owner)
      .then(() => undefined)
      .catch((err) => logger.warn({ err }, "sending operator alerts failed"))
      .finally(() => (round = null));
  }, opts.everyMs ?? 1_000);
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}

/** The alerts due now, taken by `owner` one by one; returns how many were sent. */
export async function sendDueAlerts(owner: string, now = new Date()): Promise<number> {
  const db = await getDb();
  const due = await db.operatorAlert.findMany({
    where: {
      sentAt: null,
      dueAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }, { leaseOwner: owner }],
    },
    orderBy: { id: "asc" },
    select: { id: true },
    take: BATCH,
  });
  let sent = 0;
  for (const { id } of due) {
    if (!(await take(id, owner, now))) continue;
    await send(id);
    sent += 1;
  }
  return sent;
}

/**
 * Takes the alert for this worker (again, after a round of its own failed mid-way); a digest stops
 * collecting from then on (claimedAt).
 */
async function take(id: number, owner: string, now: Date): Promise<boolean> {
  const leaseUntil = new Date(now.getTime() + ALERT_LEASE_MS);
  const taken = await rawExecute(Prisma.sql`
    UPDATE "OperatorAlert" SET "claimedAt" = COALESCE("claimedAt", ${now}), "leaseOwner" = ${owner}, "leaseUntil" = ${leaseUntil}
    WHERE "id" = ${id} AND "sentAt" IS NULL AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now} OR "leaseOwner" = ${owner})`);
  return taken > 0;
}

async function send(id: number) {
  const db = await getDb();
  const row = await db.operatorAlert.findUnique({
    where: { id },
    include: { policy: { select: { name: true, projectId: true, creator: true, eventTypes: true, project: true } } },
  });
  if (!row) return; // its webhook was deleted meanwhile
  const target = await db.webhookTarget.findUnique({ where: { id: row.targetId }, select: { status: true } });
  const facts: AlertFacts = {
    ...row,
    project: row.policy.project ? { id: row.policy.project.id, name: row.policy.project.name } : null,
    targetStatus: target?.status ?? "active",
  };
  const event = operationalEvent(facts);
  const settings = await getSettings();
  const raised = await raise(facts, event, policyEventTypes(row.policy).some(isOperationalEventType));
  const emailed = await email(facts, event, row.policy, settings);
  await db.operatorAlert.update({
    where: { id },
    data: { sentAt: new Date(), leaseOwner: null, leaseUntil: null, ...raised, ...emailed },
  });
  logger.info(
    { alertId: id, kind: row.kind, targetId: row.targetId, emailStatus: emailed.emailStatus, eventId: raised.eventId },
    "operator alert sent",
  );
}

/**
 * The alert's operational event, as a project-less event (its data names the project, which the
 * instance-wide webhooks' project patterns match). Not for a target of an operations channel: its
 * failures would raise alerts about alerts.
 */
async function raise(
  a: AlertFacts,
  event: HarborEvent,
  ofOperationsChannel: boolean,
): Promise<{ eventId?: number; eventDetail: string }> {
  if (ofOperationsChannel)
    return { eventDetail: "not raised: this webhook receives operational events itself (no alerts about alerts)" };
  const idempotencyKey = `alert:${a.id}`;
  const db = await getDb();
  const earlier = await db.event.findFirst({ where: { projectId: null, idempotencyKey }, select: { id: true } });
  if (earlier) return { eventId: earlier.id, eventDetail: "raised" };
  const result = await ingestEvent({ projectId: null, event, source: "alert", idempotencyKey });
  if (result.status === "skipped") return { eventDetail: "not raised: webhooks are disabled on this instance" };
  return {
    eventId: result.eventId,
    eventDetail:
      result.deliveries > 0
        ? `raised: ${result.deliveries} ${result.deliveries === 1 ? "delivery" : "deliveries"} to operations channels`
        : "raised: no instance-wide webhook selects it",
  };
}

type Emailed = { emailStatus: EmailStatus; emailDetail: string; emailedTo: string };

async function email(
  a: AlertFacts,
  event: HarborEvent,
  policy: { projectId: number | null; creator: string },
  settings: SystemSettings,
): Promise<Emailed> {
  const { SMTP_URL, EXTERNAL_URL } = env();
  const smtp = resolveSmtp(settings);
  if (!smtp.ok) {
    const detail = !settings.smtpHost && !SMTP_URL ? NO_SMTP_DETAIL : `not emailed: ${smtp.reason}`;
    return { emailStatus: "not_emailed", emailDetail: detail, emailedTo: "" };
  }
  const to = await alertRecipients(policy);
  if (to.length === 0) {
    const who = policy.projectId === null ? "no system admin" : "no project admin";
    return {
      emailStatus: "not_emailed",
      emailDetail: `not emailed: ${who} or creator of the webhook has an email address`,
      emailedTo: "",
    };
  }
  const result = await sendEmail({
    smtp: smtp.config,
    to,
    message: alertEmail(a, event, EXTERNAL_URL),
    timeoutMs: settings.httpTimeoutMs,
    allowList: allowedNetworks(settings),
  });
  return result.ok
    ? { emailStatus: "sent", emailDetail: result.responseExcerpt ?? "sent", emailedTo: to.join(", ") }
    : { emailStatus: "failed", emailDetail: result.error ?? "not sent", emailedTo: to.join(", ") };
}
