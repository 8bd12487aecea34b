"use client";
import { useState, type ReactNode } from "react";
import { updateSettingsAction } from "@/app/admin/settings/actions";
import { Button, Card, Notice, inputClass } from "@/components/ui";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";
import { CodeBlock } from "@/components/webhooks/json-block";
import { CopyButton } from "@/components/webhooks/copy-button";
import type { SettingsView } from "@/lib/shared/webhook-views";
import { Time } from "@/components/ui/time";
import { SmtpSettings } from "@/components/settings/smtp-settings";

type Props = {
  settings: SettingsView;
  envAllowedNetworks: string;
  envRegistryTokenSet: boolean;
  envSmtpUrlSet: boolean;
  notificationUrl: string;
  /** why a registry may not reach notificationUrl (a loopback address), if it may not */
  notificationUrlWarning?: string;
  registrySnippet: string;
  /** the snippet's stand-in for the token, replaced by a token generated or typed here */
  tokenPlaceholder: string;
};

function NumberField({
  name,
  label,
  value,
  min,
  max,
  step = 1,
  hint,
  error,
  suffix,
}: {
  name: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number | string;
  hint: ReactNode;
  error?: string;
  suffix?: string;
}) {
  const id = `settings-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          id={id}
          name={name}
          type="number"
          defaultValue={value}
          min={min}
          max={max}
          step={step}
          required
          className={`${inputClass} max-w-40`}
          aria-invalid={!!error}
          aria-describedby={`${id}-${error ? "error" : "hint"}`}
        />
        {suffix && <span className="text-sm text-slate-600">{suffix}</span>}
      </div>
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

/** The form's fields by the names the server action gives them (the refusal's field), and their inputs. */
const FIELD_IDS = Object.fromEntries(
  [
    "webhooksEnabled",
    "maxAttempts",
    "httpTimeoutSeconds",
    "allowedNetworks",
    "registryToken",
    "retentionCount",
    "retentionDays",
    "auditRetentionDays",
    "destinationLimit",
    "signingOverlapHours",
    "smtpHost",
    "smtpPort",
    "smtpTlsMode",
    "smtpUser",
    "smtpPassword",
    "smtpFrom",
  ].map((f) => [f, `settings-${f}`]),
);

/** 32 random bytes, URL-safe: made in the browser, sent once, stored encrypted. */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function SettingsForm({
  settings,
  envAllowedNetworks,
  envRegistryTokenSet,
  envSmtpUrlSet,
  notificationUrl,
  notificationUrlWarning,
  registrySnippet,
  tokenPlaceholder,
}: Props) {
  const { state, pending, submit, errorFor, generalError } = useFormAction(updateSettingsAction, FIELD_IDS);
  const [enabled, setEnabled] = useState(settings.webhooksEnabled);
  const [token, setToken] = useState("");
  const [showToken, setShowToken] = useState(false);
  const [removeToken, setRemoveToken] = useState(false);
  /** Turning the global switch off waits for a confirmation: the form data to save once confirmed. */
  const [confirmOff, setConfirmOff] = useState<FormData>();
  // The token the snippet shows: the one just generated here (a typed one stays masked), kept after
  // saving (the field empties) so the admin can copy the whole snippet; gone once the page is left.
  const [snippetToken, setSnippetToken] = useState("");
  const snippet = snippetToken ? registrySnippet.replace(tokenPlaceholder, snippetToken) : registrySnippet;
  // A saved token is not kept in the page: the field goes back to "leave empty to keep".
  useOnActionSuccess(state, () => {
    setToken("");
    setShowToken(false);
    setRemoveToken(false);
  });

  const form = (
    <form
      noValidate
      aria-label="System settings"
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        // Turning webhooks off for every project is confirmed first.
        if (settings.webhooksEnabled && !enabled) {
          setConfirmOff(data);
          return;
        }
        submit(data);
      }}
    >
      <Card title="Webhooks">
        <div className="space-y-3">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-900">
            <input
              id="settings-webhooksEnabled"
              type="checkbox"
              name="webhooksEnabled"
              checked={enabled}
              onChange={(e) => setEnabled(e.target.checked)}
              aria-describedby="settings-webhooksEnabled-hint"
            />
            Webhooks enabled
          </label>
          <div id="settings-webhooksEnabled-hint" className="space-y-1 text-sm text-slate-700">
            <p>
              This switch covers every project. While it is off, events that arrive (from registries or the event API)
              are
              <strong> skipped, not queued</strong>, as Harbor does: turning it back on does not send them later.
              Deliveries already queued still go out, and &quot;Send test event&quot; still works so you can check an
              endpoint.
            </p>
            <p>
              Events skipped while webhooks were off:{" "}
              <strong data-testid="skipped-events">{settings.skippedEvents}</strong>
            </p>
          </div>
          {!enabled && settings.webhooksEnabled && (
            <Notice tone="amber">Save to turn webhooks off for all projects.</Notice>
          )}
          {!settings.webhooksEnabled && <Notice tone="amber">Webhooks are off: events are being skipped.</Notice>}
        </div>
      </Card>

      <Card title="Delivery defaults">
        <div className="grid gap-4 md:grid-cols-2">
          <NumberField
            name="maxAttempts"
            label="Max attempts"
            value={settings.maxAttempts}
            min={1}
            max={20}
            error={errorFor("maxAttempts")}
            hint="Attempts per delivery, the first one included (Harbor's webhook_job_max_retry). A webhook can set its own."
          />
          <NumberField
            name="httpTimeoutSeconds"
            label="HTTP timeout"
            value={settings.httpTimeoutSeconds}
            min={0.5}
            max={60}
            step="0.5"
            suffix="seconds"
            error={errorFor("httpTimeoutSeconds")}
            hint="How long to wait for an endpoint's answer (Harbor's webhook_job_http_client_timeout)."
          />
        </div>
      </Card>

      <Card title="Network guard">
        <div className="space-y-2">
          <p className="text-sm text-slate-700">
            Deliveries are refused to loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT,
            link-local, multicast, reserved and cloud metadata addresses. The check runs on the addresses a host name
            resolves to, at delivery time, so a webhook cannot be used to probe your internal network. List here the
            networks your own receivers live in.
          </p>
          <label htmlFor="settings-allowedNetworks" className="block text-sm font-medium text-slate-800">
            Allowed networks
          </label>
          <textarea
            id="settings-allowedNetworks"
            name="allowedNetworks"
            defaultValue={settings.allowedNetworks}
            rows={3}
            placeholder="10.20.0.0/16, 192.168.5.10/32"
            className={`${inputClass} font-mono`}
            aria-invalid={!!errorFor("allowedNetworks")}
            aria-describedby={
              errorFor("allowedNetworks") ? "settings-allowedNetworks-error" : "settings-allowedNetworks-hint"
            }
          />
          {errorFor("allowedNetworks") ? (
            <p id="settings-allowedNetworks-error" className="text-xs text-red-700">
              {errorFor("allowedNetworks")}
            </p>
          ) : (
            <p id="settings-allowedNetworks-hint" className="text-xs text-slate-500">
              Addresses or CIDR ranges, separated by commas or new lines.
            </p>
          )}
          {envAllowedNetworks && (
            <p className="text-xs text-slate-600">
              Also allowed by the <code>ALLOWED_NETWORKS</code> environment variable: <code>{envAllowedNetworks}</code>
            </p>
          )}
        </div>
      </Card>

      <Card title="Registry notifications">
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            Registries that speak the CNCF Distribution notification format (registry:2, GitLab, Zot…) post their events
            to:
          </p>
          <p className="flex flex-wrap items-center gap-2">
            <code data-testid="notification-url" className="break-all rounded bg-slate-100 px-2 py-1 text-slate-900">
              {notificationUrl}
            </code>{" "}
            <CopyButton text={notificationUrl} />
          </p>
          {notificationUrlWarning && (
            <div data-testid="notification-url-warning">
              <Notice tone="amber">{notificationUrlWarning}</Notice>
            </div>
          )}
          <p>
            They must send the registry notification token as <code>Authorization: Bearer &lt;token&gt;</code>.{" "}
            {settings.registryTokenSet ? <strong>A token is set.</strong> : <strong>No token is set here.</strong>}{" "}
            {envRegistryTokenSet &&
              "A token from the REGISTRY_NOTIFICATION_TOKEN environment variable is accepted too."}
          </p>
          <div className="space-y-1">
            <label htmlFor="settings-registryToken" className="block font-medium text-slate-800">
              {settings.registryTokenSet ? "Replace the token" : "Set a token"}
            </label>
            <div className="flex flex-wrap items-center gap-2">
              <input
                id="settings-registryToken"
                name="registryToken"
                type={showToken ? "text" : "password"}
                value={token}
                onChange={(e) => {
                  setToken(e.target.value);
                  if (e.target.value !== snippetToken) setSnippetToken("");
                }}
                disabled={removeToken}
                autoComplete="new-password"
                className={`${inputClass} max-w-md font-mono`}
                aria-invalid={!!errorFor("registryToken")}
                aria-describedby={
                  errorFor("registryToken") ? "settings-registryToken-error" : "settings-registryToken-hint"
                }
              />
              <Button
                type="button"
                variant="secondary"
                onClick={() => {
                  const fresh = randomToken();
                  setToken(fresh);
                  setSnippetToken(fresh);
                  setShowToken(true);
                  setRemoveToken(false);
                }}
              >
                Generate
              </Button>
              {token && showToken && <CopyButton text={token} />}
            </div>
            {errorFor("registryToken") ? (
              <p id="settings-registryToken-error" className="text-xs text-red-700">
                {errorFor("registryToken")}
              </p>
            ) : (
              <p id="settings-registryToken-hint" className="text-xs text-slate-500">
                Write-only: at least 16 characters, stored encrypted, never shown again.
                {settings.registryTokenSet ? " Leave empty to keep the current one." : ""}
              </p>
            )}
            {settings.registryTokenSet && (
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  name="removeRegistryToken"
                  checked={removeToken}
                  onChange={(e) => {
                    setRemoveToken(e.target.checked);
                    if (e.target.checked) setSnippetToken("");
                  }}
                />{" "}
                Remove the stored token
              </label>
            )}
          </div>
          {snippetToken && (
            <Notice tone={state?.ok && !token ? "green" : "amber"}>
              {state?.ok && !token
                ? "Saved. The snippet below holds the new token: copy it now, it is not shown again once you leave this page."
                : "The snippet below holds this token. Save the settings to make the registry's token valid here."}
            </Notice>
          )}
          <CodeBlock text={snippet} label="In the registry's config.yml" />
        </div>
      </Card>

      <SmtpSettings settings={settings} envSmtpUrlSet={envSmtpUrlSet} errorFor={errorFor} saveResult={state} />

      <Card title="History and limits">
        <div className="grid gap-4 md:grid-cols-2">
          <NumberField
            name="retentionCount"
            label="Keep executions per webhook"
            value={settings.retentionCount}
            min={10}
            max={1_000_000}
            error={errorFor("retentionCount")}
            hint="The newest executions of each webhook kept; older ones are purged in the background."
          />
          <NumberField
            name="retentionDays"
            label="Keep executions for"
            value={settings.retentionDays}
            min={1}
            max={3650}
            suffix="days"
            error={errorFor("retentionDays")}
            hint="Executions older than this are purged, whatever their number."
          />
          <NumberField
            name="auditRetentionDays"
            label="Keep audit log entries for"
            value={settings.auditRetentionDays}
            min={1}
            max={36500}
            suffix="days"
            error={errorFor("auditRetentionDays")}
            hint="Older entries of the audit log are purged with the history."
          />
          <NumberField
            name="destinationLimit"
            label="Destinations per project"
            value={settings.destinationLimit}
            min={1}
            max={100_000}
            error={errorFor("destinationLimit")}
            hint="The most destinations one project may register through the Destinations API."
          />
          <NumberField
            name="signingOverlapHours"
            label="Signing key overlap"
            value={settings.signingOverlapHours}
            min={0}
            max={720}
            suffix="hours"
            error={errorFor("signingOverlapHours")}
            hint="After a signing key is rotated, the old key keeps signing this long, so receivers can switch without rejecting deliveries."
          />
        </div>
      </Card>

      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save settings"}
        </Button>
        {state?.ok && <Notice tone="green">{state.message}</Notice>}
        {generalError && <Notice tone="red">{generalError}</Notice>}
        {state && !state.ok && !generalError && <Notice tone="red">Not saved: check the field marked in red.</Notice>}
        <span className="ml-auto text-xs text-slate-500">
          Last saved <Time date={settings.updatedAt} relative />
        </span>
      </div>
    </form>
  );

  return (
    <>
      {form}
      <ConfirmDialog
        open={!!confirmOff}
        onClose={() => setConfirmOff(undefined)}
        title="Turn webhooks off for all projects?"
        confirmLabel="Turn webhooks off"
        confirmVariant="danger"
        onConfirm={async () => {
          const data = confirmOff;
          if (data) submit(data);
        }}
      >
        <p>
          Every project stops sending webhooks. Events that arrive while webhooks are off are{" "}
          <strong>skipped, not queued</strong>: turning webhooks back on does not send them later.
        </p>
        <p>Deliveries already queued still go out. The other settings in this form are saved with it.</p>
      </ConfirmDialog>
    </>
  );
}
