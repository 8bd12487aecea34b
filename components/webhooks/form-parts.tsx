import type { ReactNode } from "react";
import { FORM_FIELD_IDS, type FormErrors, type FormField } from "@/lib/shared/policy-form";

/** The policy form's field plumbing: error and hint lines tied to their input by id. */
const ids = FORM_FIELD_IDS;

export const labelClass = "block text-sm font-medium text-slate-800";

export function describedBy(field: FormField, errors: FormErrors, hint = true) {
  return (
    [errors[field] ? `${ids[field]}-error` : "", hint ? `${ids[field]}-hint` : ""].filter(Boolean).join(" ") ||
    undefined
  );
}

export function FieldError({ field, errors }: { field: FormField; errors: FormErrors }) {
  const message = errors[field];
  return message ? (
    <p id={`${ids[field]}-error`} className="text-xs text-red-700">
      {message}
    </p>
  ) : null;
}

export function Hint({ field, children }: { field: FormField; children: ReactNode }) {
  return (
    <p id={`${ids[field]}-hint`} className="text-xs text-slate-500">
      {children}
    </p>
  );
}
