"use client";
import { useState } from "react";

/** Copies text to the clipboard; works on plain-HTTP origins too, where navigator.clipboard is missing. */
export function CopyButton({ text, label = "Copy", className }: { text: string; label?: string; className?: string }) {
  const [done, setDone] = useState<"copied" | "failed">();

  async function copy() {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      area.remove();
    }
    setDone(ok ? "copied" : "failed");
    setTimeout(() => setDone(undefined), 2000);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        className={`rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 ${className ?? ""}`}
      >
        {label}
      </button>
      <span role="status" aria-live="polite" className="text-xs text-slate-600">
        {done === "copied" ? "Copied" : done === "failed" ? "Copy failed: select the text and copy it" : ""}
      </span>
    </span>
  );
}
