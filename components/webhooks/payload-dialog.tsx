"use client";
import { useEffect, useId, useRef, useState } from "react";
import { CopyButton } from "@/components/webhooks/copy-button";

/**
 * "Show payload" opens the execution's payload in a modal (Harbor shows it in a pop-up too), keeping
 * the table narrow. The payload is rendered only while the dialog is open: a page of executions
 * would otherwise carry every payload twice in its HTML.
 */
export function PayloadDialog({ executionId, payload }: { executionId: number; payload: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open && !ref.current?.open) ref.current?.showModal();
  }, [open]);
  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        className="text-sm text-sky-800 hover:underline"
      >
        Show payload
      </button>
      <dialog
        ref={ref}
        onClose={() => setOpen(false)}
        aria-labelledby={titleId}
        className="m-auto w-[min(48rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
      >
        {open && (
          <div className="space-y-3 p-5">
            <div className="flex items-center justify-between gap-3">
              <h2 id={titleId} className="text-lg font-semibold">
                Payload of execution {executionId}
              </h2>
              <CopyButton text={payload} />
            </div>
            <pre
              tabIndex={0}
              aria-label={`Payload of execution ${executionId}`}
              className="max-h-[60vh] overflow-auto rounded-md bg-code p-3 font-mono text-xs leading-relaxed text-code-ink"
            >
              {payload}
            </pre>
            <div className="flex justify-end">
              <button
                type="button"
                onClick={() => ref.current?.close()}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
              >
                Close
              </button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}
