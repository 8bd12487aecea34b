/** One email target's delivery: its recipients, the SMTP server of the moment, and what the task log says. */
import type { EmailMessage } from "@/lib/formats/email";
import { getSettings } from "@/lib/settings/settings";
import { resolveSmtp } from "@/lib/settings/smtp";
import { SMTP_TLS_MODE_LABELS } from "@/lib/shared/smtp";
import { parseMailto } from "@/lib/shared/mailto";
import { sendEmail, smtpServerName } from "./email-sender";
import type { SendResult } from "./outcome";

export type EmailTargetSend = {
  result: SendResult;
  /** the task log's line about the message and the server it goes through */
  logLine: string;
  /** the message's envelope, recorded as the attempt's request headers */
  headers: Record<string, string>;
};

export async function sendToEmailTarget(req: {
  address: string;
  /** the rendered message (lib/formats/email.ts) as JSON */
  body: string;
  timeoutMs: number;
  allowList: readonly string[];
}): Promise<EmailTargetSend> {
  const message = JSON.parse(req.body) as EmailMessage;
  const mailto = parseMailto(req.address);
  if (!mailto.ok) {
    return {
      result: { ok: false, durationMs: 0, errorKind: "invalid_request", error: `the address: ${mailto.message}` },
      logLine: "sending email: the target's address is not a valid mailto: address",
      headers: {},
    };
  }
  const smtp = resolveSmtp(await getSettings());
  const headers = { To: mailto.recipients.join(", "), Subject: message.subject };
  if (!smtp.ok) {
    // Not permanent: the admin may set the server up, and a retry then goes through.
    return {
      result: { ok: false, durationMs: 0, errorKind: "network", error: smtp.reason },
      logLine: `sending email to ${mailto.recipients.length} recipient(s)`,
      headers,
    };
  }
  const { config } = smtp;
  const result = await sendEmail({
    smtp: config,
    to: mailto.recipients,
    message,
    timeoutMs: req.timeoutMs,
    allowList: req.allowList,
  });
  return {
    result,
    logLine: `sending email to ${mailto.recipients.length} recipient(s) through ${smtpServerName(config)} (${SMTP_TLS_MODE_LABELS[config.tlsMode]}, from ${config.source})`,
    headers: { From: config.from, ...headers },
  };
}
