/**
 * Email deliveries through the configured SMTP server (nodemailer). The server's host is resolved
 * and judged by the network guard first, and the connection goes to the judged address (the host
 * name stays the TLS server name), so a later DNS answer cannot point it elsewhere.
 */
import net from "node:net";
import nodemailer from "nodemailer";
import type { EmailMessage } from "@/lib/formats/email";
import type { SmtpConfig } from "@/lib/settings/smtp";
import { assertUrlAllowed } from "./network-guard";
import { describeTransportError, type SendResult } from "./outcome";

export type EmailSendRequest = {
  smtp: SmtpConfig;
  to: readonly string[];
  message: EmailMessage;
  /** the whole exchange (connect, greeting, TLS, sending) ends by then */
  timeoutMs: number;
  allowList: readonly string[];
};

const MAX_REPLY = 500;

type SmtpError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** "smtp.example.com:587" (brackets around an IPv6 literal) */
export function smtpServerName(smtp: Pick<SmtpConfig, "host" | "port">): string {
  return `${net.isIPv6(smtp.host) ? `[${smtp.host}]` : smtp.host}:${smtp.port}`;
}

const replyCode = (reply: string | undefined) => {
  const code = Number(reply?.slice(0, 3));
  return Number.isInteger(code) && code >= 200 && code < 600 ? code : undefined;
};
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, MAX_REPLY);

/** What went wrong, in words for the task log; the password is never part of any of it. */
export function describeSmtpError(error: unknown, smtp: SmtpConfig): Omit<SendResult, "durationMs" | "ok"> {
  const e = error as SmtpError;
  const server = smtpServerName(smtp);
  const message = e?.message ?? String(error);
  if (e?.code === "ETLS" || /STARTTLS/i.test(message)) {
    return {
      errorKind: "tls",
      error: `TLS error: ${server} offers no STARTTLS; choose None as the TLS mode only if the network to it is trusted (${oneLine(message)})`,
    };
  }
  if (typeof e?.responseCode === "number" && e.responseCode >= 400) {
    const reply = oneLine(e.response ?? message);
    const what = e.command ? ` (${e.command.split(" ")[0]})` : "";
    return {
      status: e.responseCode,
      responseExcerpt: reply,
      errorKind: e.responseCode >= 500 ? "rejected" : "network",
      error: `${e.responseCode >= 500 ? "the SMTP server rejected the message" : "the SMTP server deferred the message"}${what}: ${reply}`,
    };
  }
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(message)) {
    return {
      errorKind: "tls",
      error: `TLS error: ${server} does not start TLS on connect; choose STARTTLS or None as the TLS mode, or the server's TLS port (usually 465)`,
    };
  }
  if (e?.code === "ETIMEDOUT" && /greeting/i.test(message)) {
    return {
      errorKind: "timeout",
      error: `timed out waiting for ${server}'s SMTP greeting; if the server expects TLS from the start, choose TLS as the TLS mode`,
    };
  }
  if (e?.code === "EAUTH") {
    return { errorKind: "rejected", error: `the SMTP server refused the login: ${oneLine(message)}` };
  }
  const transport = describeTransportError(error);
  return { errorKind: transport.errorKind, error: `${server}: ${transport.error}` };
}

function transportFor(smtp: SmtpConfig, address: string, timeoutMs: number) {
  return nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.tlsMode === "tls",
    requireTLS: smtp.tlsMode === "starttls",
    ignoreTLS: smtp.tlsMode === "none",
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    // The certificate must name the configured host, not the address connected to.
    tls: net.isIP(smtp.host) ? {} : { servername: smtp.host },
    // Within the whole exchange's deadline, so a missing greeting is reported as such (the usual
    // sign of a plain connection to a server that expects TLS at once) rather than as a bare timeout.
    connectionTimeout: Math.round(timeoutMs * 0.8),
    greetingTimeout: Math.round(timeoutMs * 0.8),
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
}

export async function sendEmail(req: EmailSendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const { smtp } = req;
  let address: string;
  try {
    const urlHost = net.isIPv6(smtp.host) ? `[${smtp.host}]` : smtp.host;
    ({
      addresses: [address],
    } = await assertUrlAllowed(`http://${urlHost}:${smtp.port}/`, req.allowList));
  } catch (error) {
    const failure = describeTransportError(error);
    return { ok: false, durationMs: elapsed(), errorKind: failure.errorKind, error: `SMTP server ${failure.error}` };
  }

  const transport = transportFor(smtp, address, req.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error: SmtpError = new Error(`no answer from ${smtpServerName(smtp)} within ${req.timeoutMs} ms`);
      error.code = "ETIMEDOUT";
      reject(error);
    }, req.timeoutMs);
  });
  try {
    const info = (await Promise.race([
      transport.sendMail({
        from: smtp.from,
        to: [...req.to],
        subject: req.message.subject,
        text: req.message.text,
        html: req.message.html,
      }),
      deadline,
    ])) as { response?: string };
    const reply = oneLine(info.response ?? "250 OK");
    return { ok: true, status: replyCode(reply) ?? 250, durationMs: elapsed(), responseExcerpt: reply };
  } catch (error) {
    return { ok: false, durationMs: elapsed(), ...describeSmtpError(error, smtp) };
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
