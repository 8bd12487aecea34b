"use client";
import Link from "next/link";
import { useState } from "react";
import { sendTestEmailAction } from "@/app/admin/settings/actions";
import { Button, Card, Notice, inputClass } from "@/components/ui";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import type { SettingsView } from "@/lib/shared/webhook-views";
import { isSmtpTlsMode, SMTP_TLS_MODE_LABELS, SMTP_TLS_MODES } from "@/lib/shared/smtp";

type Props = {
  settings: SettingsView;
  envSmtpUrlSet: boolean;
  errorFor: (field: string) => string | undefined;
  /** the settings form's latest result: once saved, a typed password is not kept in the page */
  saveResult: { ok: boolean } | null;
};

function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint: string;
  error?: string;
  children: React.ReactNode;
}) {
  const id = `settings-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

/** The "Email (SMTP)" section of the settings form: the server email targets go through, and a test email. */
export function SmtpSettings({ settings, envSmtpUrlSet, errorFor, saveResult }: Props) {
  const [password, setPassword] = useState("");
  const [removePassword, setRemovePassword] = useState(false);
  useOnActionSuccess(saveResult, () => {
    setPassword("");
    setRemovePassword(false);
  });
  const [to, setTo] = useState("");
  const [sending, setSending] = useState(false);
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string }>();
  const described = (name: string) => `settings-${name}-${errorFor(name) ? "error" : "hint"}`;

  async function sendTest() {
    setSending(true);
    setTestResult(undefined);
    try {
      const r = await sendTestEmailAction(to);
      setTestResult(r.ok ? { ok: r.data!.sent, text: r.data!.detail } : { ok: false, text: r.message });
    } finally {
      setSending(false);
    }
  }

  return (
    <Card title="Email (SMTP)">
      <div className="space-y-4">
        <p className="text-sm text-slate-700">
          Webhooks with an Email target are sent through this SMTP server. Its address obeys the network guard: a server
          on a private or loopback address needs its network in the allowed networks above.
        </p>
        <p className="text-sm text-slate-700" data-testid="alerts-hint">
          Operator alerts go through it too: when a webhook&apos;s target is paused or resumed, or its deliveries fail
          after all retries, the project&apos;s admins and the webhook&apos;s creator (the system admins for an
          instance-wide webhook) are emailed. Without a server, alerts cannot be emailed: they are recorded on the
          webhook&apos;s page and still go to the operations channels, the{" "}
          <Link href="/admin/webhooks" className="text-sky-800 underline">
            instance-wide webhooks
          </Link>{" "}
          that select the operational events.
        </p>
        {envSmtpUrlSet && (
          <Notice tone="amber">
            The <code>SMTP_URL</code> environment variable is set: it takes precedence over the host, port, TLS mode,
            user and password below. The From address below still applies when set.
          </Notice>
        )}
        <div className="grid gap-4 md:grid-cols-2">
          <Field
            name="smtpHost"
            label="Host"
            hint="Empty: no SMTP server (email targets fail)."
            error={errorFor("smtpHost")}
          >
            <input
              id="settings-smtpHost"
              name="smtpHost"
              defaultValue={settings.smtpHost}
              placeholder="smtp.example.com"
              autoComplete="off"
              className={inputClass}
              aria-invalid={!!errorFor("smtpHost")}
              aria-describedby={described("smtpHost")}
            />
          </Field>
          <Field
            name="smtpPort"
            label="Port"
            hint="587 for STARTTLS, 465 for TLS, 25 for plain."
            error={errorFor("smtpPort")}
          >
            <input
              id="settings-smtpPort"
              name="smtpPort"
              type="number"
              min={1}
              max={65535}
              defaultValue={settings.smtpPort}
              className={`${inputClass} max-w-40`}
              aria-invalid={!!errorFor("smtpPort")}
              aria-describedby={described("smtpPort")}
            />
          </Field>
          <Field
            name="smtpTlsMode"
            label="TLS mode"
            hint="STARTTLS is required when chosen; the server's certificate is verified."
            error={errorFor("smtpTlsMode")}
          >
            <select
              id="settings-smtpTlsMode"
              name="smtpTlsMode"
              defaultValue={isSmtpTlsMode(settings.smtpTlsMode) ? settings.smtpTlsMode : "starttls"}
              className={`${inputClass} max-w-72`}
              aria-invalid={!!errorFor("smtpTlsMode")}
              aria-describedby={described("smtpTlsMode")}
            >
              {SMTP_TLS_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {SMTP_TLS_MODE_LABELS[mode]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            name="smtpFrom"
            label="From address"
            hint="Empty: harbor-notifier@ followed by the SMTP host."
            error={errorFor("smtpFrom")}
          >
            <input
              id="settings-smtpFrom"
              name="smtpFrom"
              type="email"
              defaultValue={settings.smtpFrom}
              placeholder="harbor@example.com"
              className={inputClass}
              aria-invalid={!!errorFor("smtpFrom")}
              aria-describedby={described("smtpFrom")}
            />
          </Field>
          <Field name="smtpUser" label="User" hint="Empty: no login." error={errorFor("smtpUser")}>
            <input
              id="settings-smtpUser"
              name="smtpUser"
              defaultValue={settings.smtpUser}
              autoComplete="off"
              className={inputClass}
              aria-invalid={!!errorFor("smtpUser")}
              aria-describedby={described("smtpUser")}
            />
          </Field>
          <Field
            name="smtpPassword"
            label={settings.smtpPasswordSet ? "Replace the password" : "Password"}
            hint={`Write-only: stored encrypted, never shown again.${settings.smtpPasswordSet ? " A password is set; leave empty to keep it." : ""}`}
            error={errorFor("smtpPassword")}
          >
            <input
              id="settings-smtpPassword"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              name="smtpPassword"
              type="password"
              autoComplete="new-password"
              disabled={removePassword}
              placeholder={settings.smtpPasswordSet ? "••••••••" : ""}
              className={inputClass}
              aria-invalid={!!errorFor("smtpPassword")}
              aria-describedby={described("smtpPassword")}
            />
            {settings.smtpPasswordSet && (
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="removeSmtpPassword"
                  checked={removePassword}
                  onChange={(e) => setRemovePassword(e.target.checked)}
                />{" "}
                Remove the stored password
              </label>
            )}
          </Field>
        </div>
        <div className="space-y-2 border-t border-slate-200 pt-3">
          <label htmlFor="settings-testEmailTo" className="block text-sm font-medium text-slate-800">
            Send a test email
          </label>
          <div className="flex flex-wrap items-center gap-2">
            <input
              id="settings-testEmailTo"
              type="email"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder="you@example.com"
              className={`${inputClass} max-w-md`}
              aria-describedby="settings-testEmailTo-hint"
            />
            <Button type="button" variant="secondary" disabled={sending || !to.trim()} onClick={sendTest}>
              {sending ? "Sending…" : "Send test email"}
            </Button>
          </div>
          <p id="settings-testEmailTo-hint" className="text-xs text-slate-500">
            Sent through the saved settings: save your changes first.
          </p>
          {testResult && (
            <div data-testid="test-email-result" role="status">
              <Notice tone={testResult.ok ? "green" : "red"}>{testResult.text}</Notice>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
