/** The SMTP server's TLS modes, shared by the settings form and the server. */

export const SMTP_TLS_MODES = ["none", "starttls", "tls"] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

export const SMTP_TLS_MODE_LABELS: Record<SmtpTlsMode, string> = {
  none: "None (plain text)",
  starttls: "STARTTLS",
  tls: "TLS (implicit, usually port 465)",
};

export function isSmtpTlsMode(value: unknown): value is SmtpTlsMode {
  return typeof value === "string" && (SMTP_TLS_MODES as readonly string[]).includes(value);
}
