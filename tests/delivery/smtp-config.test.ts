// Which SMTP server email targets go through: SMTP_URL takes precedence over the settings' host,
// port, TLS mode, user and password; the settings' From address applies to both.
import { describe, expect, it } from "vitest";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { parseSmtpUrl, resolveSmtp } from "@/lib/settings/smtp";

const settings = (over: Record<string, unknown> = {}) => ({
  smtpHost: "smtp.example.com",
  smtpPort: 587,
  smtpTlsMode: "starttls",
  smtpUser: "u",
  smtpPasswordEnc: encryptSecret("stored-secret"),
  smtpFrom: "",
  ...over,
});

describe("resolveSmtp", () => {
  it("uses the settings, the password decrypted, a default From", () => {
    expect(resolveSmtp(settings(), undefined)).toEqual({
      ok: true,
      config: {
        host: "smtp.example.com",
        port: 587,
        tlsMode: "starttls",
        user: "u",
        password: "stored-secret",
        from: "harbor-notifier@smtp.example.com",
        source: "settings",
      },
    });
  });

  it("says so when no server is set up", () => {
    expect(resolveSmtp(settings({ smtpHost: "" }), undefined)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("no SMTP server is set up"),
    });
  });

  it("SMTP_URL takes precedence for the connection; the settings' From still applies", () => {
    const r = resolveSmtp(settings({ smtpFrom: "harbor@example.com" }), "smtps://mailer:p%40ss@mail.example.net");
    expect(r).toEqual({
      ok: true,
      config: {
        host: "mail.example.net",
        port: 465,
        tlsMode: "tls",
        user: "mailer",
        password: "p@ss",
        from: "harbor@example.com",
        source: "SMTP_URL",
      },
    });
    expect(resolveSmtp(settings(), "smtp://mail.example.net:2525?tls=none&from=ops@example.net")).toMatchObject({
      ok: true,
      config: { port: 2525, tlsMode: "none", from: "ops@example.net", user: undefined, password: undefined },
    });
  });

  it.each([
    ["http://mail.example.net", "SMTP_URL must start with smtp:// or smtps://, not http://"],
    ["not a url", "SMTP_URL is not a URL such as smtp://user:password@mail.example.com:587"],
    ["smtp://mail.example.net?tls=ssl", "SMTP_URL's tls= must be one of none, starttls, tls"],
  ])("refuses SMTP_URL %s, without quoting it", (url, reason) => {
    expect(parseSmtpUrl(url)).toEqual({ ok: false, reason });
    expect(resolveSmtp(settings(), url)).toEqual({ ok: false, reason });
  });
});
