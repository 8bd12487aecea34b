"use client";
/**
 * A row's actions behind one button, so a table row stays one line wide however many actions it
 * has. The panel is a popover (the browser's top layer: never clipped by the table's scroll box,
 * closed by Escape or a click elsewhere), anchored under its button by CSS anchor positioning
 * (placed by script where the browser lacks it). Items are the
 * usual buttons and links; a confirmation dialog they open lives outside the panel (see
 * ConfirmDialog), so closing the menu does not close it.
 */
import { useId, useRef, type ReactNode } from "react";

export function RowMenu({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  function place(e: React.ToggleEvent<HTMLDivElement>) {
    if (e.newState !== "open" || !button.current || !panel.current || CSS.supports("position-area", "bottom")) return;
    const b = button.current.getBoundingClientRect();
    const p = panel.current;
    const width = p.offsetWidth;
    const left = Math.max(8, Math.min(b.right - width, window.innerWidth - width - 8));
    const below = b.bottom + 4;
    const top = below + p.offsetHeight > window.innerHeight - 8 ? Math.max(8, b.top - p.offsetHeight - 4) : below;
    p.style.left = `${left}px`;
    p.style.top = `${top}px`;
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        popoverTarget={id}
        aria-label={label}
        title={label}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm leading-none text-slate-700 hover:bg-slate-50"
      >
        <span aria-hidden>⋯</span>
      </button>
      <div
        ref={panel}
        id={id}
        popover="auto"
        onToggle={place}
        // Any action closes the menu; a dialog it opens stays (it is not inside the panel).
        onClick={() => panel.current?.hidePopover()}
        className="row-menu fixed min-w-44 rounded-md border border-slate-200 bg-white p-1 text-sm text-slate-800 shadow-lg [&_a]:w-full [&_a]:justify-start [&_button]:w-full [&_button]:justify-start"
      >
        <div className="flex flex-col gap-0.5">{children}</div>
      </div>
    </>
  );
}
