"use client";
import { useState } from "react";
import { updateAuthSettingsAction } from "@/app/admin/settings/actions";
import { Button, Card, Notice, inputClass } from "@/components/ui";
import { useFormAction } from "@/components/ui/use-form-action";
import {
  LDAP_FIELDS,
  LDAP_SCOPE_LABELS,
  OIDC_FIELDS,
  type AuthFieldSpec,
  type AuthSettingsView,
} from "@/lib/shared/auth-settings-fields";

const MODES = [
  { value: "db", label: "Database", hint: "Local accounts, created under Users." },
  { value: "oidc", label: "OIDC", hint: "Keycloak, Dex, Okta, Entra ID, GitLab…" },
  { value: "ldap", label: "LDAP", hint: "OpenLDAP, Active Directory…" },
] as const;

const FIELD_IDS: Record<string, string> = Object.fromEntries(
  ["authMode", ...OIDC_FIELDS.map((f) => f.name), ...LDAP_FIELDS.map((f) => f.name)].map((n) => [n, `auth-${n}`]),
);

function AuthField({ spec, view, error }: { spec: AuthFieldSpec; view: AuthSettingsView; error?: string }) {
  const id = FIELD_IDS[spec.name];
  const locked = view.fromEnv.includes(spec.name);
  const value = view.values[spec.name];
  const note = locked ? "Set by an environment variable." : spec.hint;
  const describedBy = `${id}-${error ? "error" : "hint"}`;
  const help = error ? (
    <p id={`${id}-error`} className="text-xs text-red-700">
      {error}
    </p>
  ) : (
    <p id={`${id}-hint`} className="text-xs text-slate-500">
      {note}
    </p>
  );
  if (spec.kind === "bool") {
    return (
      <div className="space-y-1 md:col-span-2">
        <input type="hidden" name={`${spec.name}__shown`} value="1" disabled={locked} />
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input
            id={id}
            type="checkbox"
            name={spec.name}
            defaultChecked={value === true}
            disabled={locked}
            aria-describedby={describedBy}
          />
          {spec.label}
        </label>
        {help}
      </div>
    );
  }
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {spec.label}
        {spec.kind === "secret" && view.secretsSet[spec.name] && (
          <span className="ml-2 text-xs font-normal text-green-700">(set)</span>
        )}
      </label>
      {spec.kind === "scope" ? (
        <select
          id={id}
          name={spec.name}
          defaultValue={String(value)}
          disabled={locked}
          className={inputClass}
          aria-describedby={describedBy}
        >
          {Object.entries(LDAP_SCOPE_LABELS).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={spec.name}
          type={spec.kind === "secret" ? "password" : "text"}
          defaultValue={spec.kind === "secret" ? "" : String(value ?? "")}
          placeholder={spec.kind === "secret" && view.secretsSet[spec.name] ? "••••••••" : spec.placeholder}
          autoComplete="off"
          disabled={locked}
          className={inputClass}
          aria-invalid={!!error}
          aria-describedby={describedBy}
        />
      )}
      {help}
    </div>
  );
}

/** System settings › Authentication: the mode, and the OIDC or LDAP connection. */
export function AuthSettings({ view }: { view: AuthSettingsView }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(updateAuthSettingsAction, FIELD_IDS);
  const [mode, setMode] = useState(String(view.values.authMode));
  const modeLocked = view.fromEnv.includes("authMode") || view.blockingUsers > 0;
  const fields = mode === "oidc" ? OIDC_FIELDS : mode === "ldap" ? LDAP_FIELDS : [];
  return (
    <Card title="Authentication">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Authentication settings">
        {generalError && <Notice tone="red">{generalError}</Notice>}
        {state?.ok && <Notice tone="green">{state.message}</Notice>}
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Authentication mode</legend>
          <div className="flex flex-wrap gap-4">
            {MODES.map((m) => (
              <label key={m.value} className="flex items-start gap-2 text-sm">
                <input
                  type="radio"
                  name="authMode"
                  value={m.value}
                  id={m.value === mode ? FIELD_IDS.authMode : undefined}
                  checked={mode === m.value}
                  disabled={modeLocked && m.value !== mode}
                  onChange={() => setMode(m.value)}
                />
                <span>
                  <span className="font-medium">{m.label}</span>
                  <span className="block text-xs text-slate-500">{m.hint}</span>
                </span>
              </label>
            ))}
          </div>
          {errorFor("authMode") && <p className="text-xs text-red-700">{errorFor("authMode")}</p>}
          {view.fromEnv.includes("authMode") ? (
            <p className="text-xs text-slate-500">The mode is set by the AUTH_MODE environment variable.</p>
          ) : view.blockingUsers > 0 ? (
            <p className="text-xs text-slate-500">
              The mode can change only while no local user other than admin exists ({view.blockingUsers} do).
            </p>
          ) : (
            <p className="text-xs text-slate-500">
              The local <code>admin</code> always signs in with its password, in every mode.
            </p>
          )}
        </fieldset>
        {fields.length > 0 && (
          <div className="grid gap-4 md:grid-cols-2">
            {fields.map((f) => (
              <AuthField key={f.name} spec={f} view={view} error={errorFor(f.name)} />
            ))}
          </div>
        )}
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save authentication settings"}
        </Button>
      </form>
    </Card>
  );
}
