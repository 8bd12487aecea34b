"use client";
import { useState } from "react";
import { changeOwnPasswordAction } from "@/app/profile/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";
import { useOnActionResult } from "@/components/ui/use-action-success";
import { useFormAction } from "@/components/ui/use-form-action";
import { PASSWORD_RULE } from "@/lib/shared/password";

type PasswordField = "currentPassword" | "newPassword" | "confirmPassword";

/** The input each refusal takes the focus to: after a mismatch, the new password is typed again from the start. */
const FOCUS_IDS = { currentPassword: "currentPassword", newPassword: "newPassword", confirmPassword: "newPassword" };

const MISMATCH_CLEARED = "Both new password fields were cleared: type the new password again in each.";

/**
 * The change of one's own password. What was typed stays in this page only (the server never sends
 * a password back); after a refusal the fields that must be typed again are emptied: the current
 * password when it was wrong, both new ones when they did not match (the message says so).
 */
export function ChangePasswordForm({ forced = false }: { forced?: boolean }) {
  const { state, pending, onSubmit, errorFor, generalError } = useFormAction(changeOwnPasswordAction, FOCUS_IDS);
  const [values, setValues] = useState<Record<PasswordField, string>>({
    currentPassword: "",
    newPassword: "",
    confirmPassword: "",
  });
  useOnActionResult(state, (r) => {
    if (r.ok) setValues({ currentPassword: "", newPassword: "", confirmPassword: "" });
    else if (r.field === "currentPassword") setValues((v) => ({ ...v, currentPassword: "" }));
    else if (r.field === "confirmPassword") setValues((v) => ({ ...v, newPassword: "", confirmPassword: "" }));
  });
  const mismatch = errorFor("confirmPassword");
  const errors: Record<PasswordField, string | undefined> = {
    currentPassword: errorFor("currentPassword"),
    // The mismatch is said under the first field to type again, which has the focus.
    newPassword: errorFor("newPassword") ?? (mismatch && `${mismatch} ${MISMATCH_CLEARED}`),
    confirmPassword: undefined,
  };
  const input = (name: PasswordField, label: string, autoComplete: string, hint?: string) => {
    const invalid = !!errors[name] || (name === "confirmPassword" && !!mismatch);
    return (
      <Field label={label} htmlFor={name} error={errors[name]} hint={hint}>
        <input
          id={name}
          name={name}
          type="password"
          required
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          autoComplete={autoComplete}
          className={inputClass}
          aria-invalid={invalid}
          aria-describedby={errors[name] ? `${name}-error` : invalid ? "newPassword-error" : undefined}
        />
      </Field>
    );
  };
  return (
    <form onSubmit={onSubmit} className="max-w-sm space-y-3" aria-label="Change password">
      {state?.ok && <Notice tone="green">{state.message}</Notice>}
      {generalError && <Notice tone="red">{generalError}</Notice>}
      {forced && <input type="hidden" name="forced" value="1" />}
      {input("currentPassword", "Current password", "current-password")}
      {input("newPassword", "New password", "new-password", PASSWORD_RULE)}
      {input("confirmPassword", "New password again", "new-password")}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
