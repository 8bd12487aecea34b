"use client";
/**
 * A button that opens a modal confirmation. Built on <dialog>: the browser traps focus inside it,
 * closes it on Escape and returns focus to the button afterwards. Without a trigger label it is
 * opened by its caller (`open`, `onClose`): for a confirmation that needs data first (a count).
 * The dialog is rendered into <body>, so a trigger inside a menu (RowMenu) can close the menu
 * without taking the dialog with it.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { Button, type ButtonVariant } from "@/components/ui";

type Variant = ButtonVariant;

export function ConfirmDialog({
  triggerLabel,
  triggerVariant = "secondary",
  triggerClassName,
  triggerAriaLabel,
  title,
  children,
  confirmLabel,
  confirmVariant = "primary",
  onConfirm,
  open: openProp,
  onClose,
}: {
  /** the button that opens the dialog; none when the caller opens it with `open` */
  triggerLabel?: ReactNode;
  triggerVariant?: Variant;
  triggerClassName?: string;
  /** when the visible label alone is ambiguous in a list ("Delete" → "Delete webhook x") */
  triggerAriaLabel?: string;
  title: string;
  /** the explanation, and any inputs: their values reach onConfirm as FormData */
  children?: ReactNode;
  confirmLabel: string;
  confirmVariant?: Variant;
  /** resolves to an error message to show (the dialog stays open), or nothing to close it */
  onConfirm: (form: FormData) => Promise<string | void>;
  /** opened by the caller instead of a trigger button */
  open?: boolean;
  /** called whenever the dialog closes (confirmed, cancelled or Escape) */
  onClose?: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  // The portal needs document.body: none on the server, so the dialog mounts after hydration.
  const mounted = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
  const titleId = useId();
  const bodyId = useId();

  const open = () => {
    setError(undefined);
    ref.current?.showModal();
  };
  const close = () => ref.current?.close();

  useEffect(() => {
    const dialog = ref.current;
    if (openProp === undefined || !dialog) return;
    if (openProp && !dialog.open) {
      setError(undefined);
      dialog.showModal();
    } else if (!openProp && dialog.open) dialog.close();
  }, [openProp, mounted]);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const message = await onConfirm(new FormData(e.currentTarget));
      if (message) setError(message);
      else close();
    } catch {
      setError("Something went wrong; try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      {triggerLabel !== undefined && (
        <Button
          type="button"
          variant={triggerVariant}
          className={triggerClassName}
          aria-label={triggerAriaLabel}
          aria-haspopup="dialog"
          onClick={open}
        >
          {triggerLabel}
        </Button>
      )}
      {mounted &&
        createPortal(
          <dialog
            ref={ref}
            onClose={onClose}
            aria-labelledby={titleId}
            aria-describedby={bodyId}
            className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
          >
            <form onSubmit={submit} className="space-y-4 p-5">
              <h2 id={titleId} className="text-lg font-semibold">
                {title}
              </h2>
              <div id={bodyId} className="space-y-3 text-sm text-slate-700">
                {children}
              </div>
              {error && (
                <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
                  {error}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={close} disabled={pending}>
                  Cancel
                </Button>
                <Button type="submit" variant={confirmVariant} disabled={pending}>
                  {pending ? "Working…" : confirmLabel}
                </Button>
              </div>
            </form>
          </dialog>,
          document.body,
        )}
    </>
  );
}
