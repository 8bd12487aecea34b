"use client";
import { useActionState } from "react";
import { changeOwnPasswordAction } from "@/app/profile/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { PASSWORD_RULE } from "@/lib/shared/password";

const FIELDS = ["currentPassword", "newPassword", "confirmPassword"] as const;
const LABELS: Record<(typeof FIELDS)[number], string> = {
  currentPassword: "Current password",
  newPassword: "New password",
  confirmPassword: "New password again",
};

/** "newPassword: must be …" → "New password must be …": the field's label instead of its code name. */
function forPeople(field: string | undefined, message: string): string {
  const label = LABELS[field as (typeof FIELDS)[number]];
  if (!label) return message;
  const text = message.startsWith(`${field}: `) ? message.slice(field!.length + 2) : message;
  return /^(must|does|is)\b/.test(text) ? `${label} ${text}.` : `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * The change of one's own password. Passwords are never put back into the fields after an error
 * (the browser clears them); the message says which field to fix.
 */
export function ChangePasswordForm({ forced = false }: { forced?: boolean }) {
  const [state, action, pending] = useActionState(changeOwnPasswordAction, null);
  const failed = state && !state.ok ? state : undefined;
  const err = (f: string) => (failed?.field === f ? forPeople(f, failed.message) : undefined);
  const general = failed && !FIELDS.includes(failed.field as never) ? failed.message : undefined;
  const input = (name: (typeof FIELDS)[number], autoComplete: string, hint?: string) => (
    <Field label={LABELS[name]} htmlFor={name} error={err(name)} hint={hint}>
      <input
        id={name}
        name={name}
        type="password"
        required
        autoComplete={autoComplete}
        className={inputClass}
        aria-invalid={!!err(name)}
        aria-describedby={err(name) ? `${name}-error` : undefined}
      />
    </Field>
  );
  return (
    <form action={action} className="max-w-sm space-y-3">
      {state?.ok && <Notice tone="green">{state.message}</Notice>}
      {general && <Notice tone="red">{general.charAt(0).toUpperCase() + general.slice(1)}.</Notice>}
      {forced && <input type="hidden" name="forced" value="1" />}
      {input("currentPassword", "current-password")}
      {input("newPassword", "new-password", PASSWORD_RULE)}
      {input("confirmPassword", "new-password")}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
