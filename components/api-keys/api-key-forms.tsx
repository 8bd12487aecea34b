"use client";
import { useState } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/projects/[project]/api-keys/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useOnActionSuccess } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { SecretReveal } from "@/components/webhooks/secret-reveal";
import { describedBy } from "@/lib/shared/form-result";

const FIELD_IDS = { mode: "api-key-mode-live", name: "api-key-name" } as const;

export function CreateApiKeyForm({ project }: { project: string }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(
    createApiKeyAction.bind(null, project),
    FIELD_IDS,
  );
  const [name, setName] = useState("");
  useOnActionSuccess(state, () => setName("")); // ready for the next key; the mode stays
  const nameError = errorFor("name");
  const modeError = errorFor("mode");
  return (
    <div className="space-y-4">
      {state?.ok && state.data && (
        <SecretReveal
          title={`New ${state.data.mode} key${state.data.name ? ` “${state.data.name}”` : ""}`}
          secret={state.data.key}
        >
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Only a hash of it is stored.
          </p>
          <p>
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </SecretReveal>
      )}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      <form className="space-y-3" onSubmit={onSubmit} aria-label="Create an API key">
        <fieldset className="space-y-1" aria-describedby={modeError ? "api-key-mode-error" : "api-key-mode-hint"}>
          <legend className="text-sm font-medium text-slate-800">Mode</legend>
          <label className="flex items-center gap-2 text-sm">
            <input id={FIELD_IDS.mode} type="radio" name="mode" value="live" defaultChecked /> Live
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="mode" value="test" /> Test
          </label>
          {modeError ? (
            <p id="api-key-mode-error" role="alert" className="text-xs text-red-700">
              {modeError}
            </p>
          ) : (
            <p id="api-key-mode-hint" className="text-xs text-slate-500">
              Keys start with <code>hk_live_</code> or <code>hk_test_</code>. Destinations created with a test key may
              use plain http:// URLs. A key sees and changes only the destinations of its own mode.
            </p>
          )}
        </fieldset>
        <Field
          label="Name (optional)"
          htmlFor={FIELD_IDS.name}
          error={nameError}
          hint="What uses it, e.g. “CI” or “trivy scanner”."
        >
          {/* No maxLength: a longer name, pasted, would be cut silently; the server says the limit instead. */}
          <input
            id={FIELD_IDS.name}
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={inputClass}
            aria-invalid={!!nameError}
            aria-describedby={describedBy(FIELD_IDS.name, nameError)}
          />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create API key"}
        </Button>
      </form>
    </div>
  );
}

export function RevokeApiKeyButton({ project, keyId, label }: { project: string; keyId: number; label: string }) {
  return (
    <ConfirmDialog
      triggerLabel="Revoke"
      triggerVariant="ghost"
      triggerClassName="px-2 py-1 text-xs text-red-700 hover:bg-red-50"
      triggerAriaLabel={`Revoke ${label}`}
      title={`Revoke API key ${label}?`}
      confirmLabel="Revoke key"
      confirmVariant="danger"
      onConfirm={async () => {
        const r = await revokeApiKeyAction(project, keyId);
        if (!r.ok) return r.message;
      }}
    >
      <p>Requests with this key are refused from now on. Scripts that use it stop working. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
