import { useState } from "react";

/**
 * Calls `onResult` once for each new action result (e.g. to clear a form's fields). It runs while
 * rendering, React's way to adjust state to a changed value
 * (react.dev/learn/you-might-not-need-an-effect), so the cleared fields and the result render together
 * instead of one render later from an effect. `onResult` may only set state.
 */
export function useOnActionResult<R>(result: R | null | undefined, onResult: (result: R) => void): void {
  const [handled, setHandled] = useState(result);
  if (result !== handled) {
    setHandled(result);
    if (result) onResult(result);
  }
}

/** Calls `onSuccess` once for each new successful action result (e.g. to clear a form for the next entry). */
export function useOnActionSuccess(result: { ok: boolean } | null | undefined, onSuccess: () => void): void {
  useOnActionResult(result, (r) => {
    if (r.ok) onSuccess();
  });
}
