/**
 * A server action's answer as a form reads it (lib/actions/result.ts makes it: the message is a
 * sentence without the "field: " the APIs put in front). Browser-safe.
 */
export type FormResult = { ok: true; message?: string } | { ok: false; message: string; field?: string };

/** The refusal's message when it is about `field`, shown next to that field. */
export function fieldError(result: FormResult | null | undefined, field: string): string | undefined {
  return result && !result.ok && result.field === field ? result.message : undefined;
}

/** The refusal's message when it names none of the form's fields (a permission, a lost session): shown above the form. */
export function formError(result: FormResult | null | undefined, fields: readonly string[]): string | undefined {
  return result && !result.ok && !(result.field && fields.includes(result.field)) ? result.message : undefined;
}

/** The `aria-describedby` of an input: its error when there is one, else its hint (ids `<id>-error`, `<id>-hint`). */
export function describedBy(id: string, error: string | undefined, hint = false): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}
