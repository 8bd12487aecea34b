import { useState } from "react";

/**
 * Calls `onSuccess` once for each new successful action result (e.g. to clear a form's fields for the
 * next entry). It runs while rendering, React's way to adjust state to a changed value
 * (react.dev/learn/you-might-not-need-an-effect), so the cleared fields and the result render together
 * instead of one render later from an effect. `onSuccess` may only set state.
 */
export function useOnActionSuccess(result: { ok: boolean } | null | undefined, onSuccess: () => void): void {
  const [handled, setHandled] = useState(result);
  if (result !== handled) {
    setHandled(result);
    if (result?.ok) onSuccess();
  }
}
