/** "Send test email": a short message through the stored SMTP settings, to an address the admin types. */
import type { SystemAccess } from "@/lib/auth/access";
import { sendEmail, smtpServerName } from "@/lib/delivery/email-sender";
import { escapeHtml } from "@/lib/formats/email";
import { logger } from "@/lib/log/logger";
import { allowedNetworks, getSettings } from "@/lib/settings/settings";
import { resolveSmtp } from "@/lib/settings/smtp";
import { SMTP_TLS_MODE_LABELS } from "@/lib/shared/smtp";

export type TestEmailResult = { sent: boolean; detail: string };

export async function sendTestEmail({ actor }: SystemAccess, to: string): Promise<TestEmailResult> {
  const settings = await getSettings();
  const smtp = resolveSmtp(settings);
  if (!smtp.ok) return { sent: false, detail: `Not sent: ${smtp.reason}.` };
  const { config } = smtp;
  const server = `${smtpServerName(config)} (${SMTP_TLS_MODE_LABELS[config.tlsMode]})`;
  const text = `This is a test email from Harbor Notifier, sent by ${actor.username} through ${server}.\nEmail targets of webhooks are sent the same way.\n`;
  const result = await sendEmail({
    smtp: config,
    to: [to],
    message: {
      subject: "[Harbor] Test email from Harbor Notifier",
      text,
      html: `<p>${escapeHtml(text).replace(/\n/g, "<br>")}</p>`,
    },
    timeoutMs: settings.httpTimeoutMs,
    allowList: allowedNetworks(settings),
  });
  logger.info(
    { by: actor.username, server: smtpServerName(config), sent: result.ok, error: result.error },
    "test email",
  );
  return result.ok
    ? { sent: true, detail: `Sent to ${to} through ${server}. The server answered: ${result.responseExcerpt}` }
    : { sent: false, detail: `Not sent through ${server}: ${result.error}` };
}
