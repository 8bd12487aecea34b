/**
 * The SMTP server email targets are sent through: the settings page's host, port, TLS mode, user and
 * (encrypted) password, or SMTP_URL. SMTP_URL, when set, takes precedence for the whole connection
 * (host, port, TLS mode, user and password); the From address is the settings' one, else the URL's
 * `?from=`, else harbor-notifier@<host>.
 */
import { decryptOptional } from "@/lib/crypto/secret-box";
import { env } from "@/lib/config/env";
import type { SystemSettings } from "@/lib/settings/settings";
import { isSmtpTlsMode, SMTP_TLS_MODES, type SmtpTlsMode } from "@/lib/shared/smtp";

export type SmtpConfig = {
  host: string;
  port: number;
  tlsMode: SmtpTlsMode;
  user?: string;
  password?: string;
  from: string;
  /** where the connection settings came from, for messages */
  source: "settings" | "SMTP_URL";
};

export type SmtpResolution = { ok: true; config: SmtpConfig } | { ok: false; reason: string };

type SmtpSettings = Pick<
  SystemSettings,
  "smtpHost" | "smtpPort" | "smtpTlsMode" | "smtpUser" | "smtpPasswordEnc" | "smtpFrom"
>;

/** The connection SMTP_URL names, or why it cannot be used (never quoting its password). */
export function parseSmtpUrl(
  text: string,
): { ok: true; value: Omit<SmtpConfig, "from" | "source"> & { from?: string } } | { ok: false; reason: string } {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, reason: "SMTP_URL is not a URL such as smtp://user:password@mail.example.com:587" };
  }
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    return { ok: false, reason: `SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//` };
  }
  if (!u.hostname) return { ok: false, reason: "SMTP_URL names no host" };
  const tlsParam = u.searchParams.get("tls");
  if (tlsParam !== null && !isSmtpTlsMode(tlsParam)) {
    return { ok: false, reason: `SMTP_URL's tls= must be one of ${SMTP_TLS_MODES.join(", ")}` };
  }
  const tlsMode: SmtpTlsMode = tlsParam ?? (u.protocol === "smtps:" ? "tls" : "starttls");
  const port = u.port ? Number(u.port) : tlsMode === "tls" ? 465 : 587;
  return {
    ok: true,
    value: {
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port,
      tlsMode,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      from: u.searchParams.get("from") || undefined,
    },
  };
}

/** The SMTP server to send through, from SMTP_URL or the settings row. */
export function resolveSmtp(settings: SmtpSettings, smtpUrl: string | undefined = env().SMTP_URL): SmtpResolution {
  let connection: Omit<SmtpConfig, "from" | "source"> & { from?: string };
  let source: SmtpConfig["source"];
  if (smtpUrl) {
    const parsed = parseSmtpUrl(smtpUrl);
    if (!parsed.ok) return parsed;
    connection = parsed.value;
    source = "SMTP_URL";
  } else {
    if (!settings.smtpHost) {
      return { ok: false, reason: "no SMTP server is set up: set one in System settings › Email (SMTP), or SMTP_URL" };
    }
    connection = {
      host: settings.smtpHost,
      port: settings.smtpPort,
      tlsMode: isSmtpTlsMode(settings.smtpTlsMode) ? settings.smtpTlsMode : "starttls",
      user: settings.smtpUser || undefined,
      password: decryptOptional(settings.smtpPasswordEnc),
    };
    source = "settings";
  }
  const from = settings.smtpFrom || connection.from || `harbor-notifier@${connection.host}`;
  return { ok: true, config: { ...connection, from, source } };
}
