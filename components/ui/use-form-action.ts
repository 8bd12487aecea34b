import { startTransition, useActionState, useEffect, type FormEvent } from "react";
import { fieldError, formError, type FormResult } from "@/lib/shared/form-result";

/**
 * A form that calls a server action and keeps what was typed when the server refuses it. It is
 * submitted by hand: a form `action` makes React reset every uncontrolled field afterwards, even
 * when the server refused them. A refusal about a field takes the keyboard focus to its input.
 * `fieldIds` maps the action's field names to the ids of their inputs; it must be a constant.
 */
export function useFormAction<R extends FormResult>(
  action: (previous: R | null, form: FormData) => Promise<R>,
  fieldIds: Readonly<Record<string, string>>,
) {
  const [state, dispatch, pending] = useActionState(action, null);
  useEffect(() => {
    const id = state && !state.ok && state.field ? fieldIds[state.field] : undefined;
    if (id) document.getElementById(id)?.focus();
  }, [state, fieldIds]);
  return {
    state,
    pending,
    onSubmit(e: FormEvent<HTMLFormElement>) {
      e.preventDefault();
      const data = new FormData(e.currentTarget);
      startTransition(() => dispatch(data));
    },
    /** submits form data gathered earlier (e.g. once a confirmation is given) */
    submit: (data: FormData) => startTransition(() => dispatch(data)),
    /** the refusal's message for this field, if it is about it */
    errorFor: (field: string) => fieldError(state, field),
    /** a refusal about none of the fields (a permission, a conflict with no field), shown above the form */
    generalError: formError(state, Object.keys(fieldIds)),
  };
}
