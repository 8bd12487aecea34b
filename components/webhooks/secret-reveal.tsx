import type { ReactNode } from "react";
import { CopyButton } from "@/components/webhooks/copy-button";

/** A secret shown once, right after it was made, with a copy button. */
export function SecretReveal({ title, secret, children }: { title: string; secret: string; children?: ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 className="font-semibold text-amber-950">{title}</h2>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid="secret-value"
          className="break-all rounded border border-amber-200 bg-white px-2 py-1 font-mono text-sm text-slate-900"
        >
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
      <div className="space-y-1 text-sm text-amber-950">{children}</div>
    </section>
  );
}
