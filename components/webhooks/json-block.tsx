import { CopyButton } from "@/components/webhooks/copy-button";

/** Pre-formatted text (JSON, logs) with a copy button; always rendered as text, never as HTML. */
export function CodeBlock({
  text,
  label,
  copyLabel = "Copy",
  maxHeight = "max-h-96",
}: {
  text: string;
  label: string;
  copyLabel?: string;
  maxHeight?: string;
}) {
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <span className="text-xs font-medium text-slate-600">{label}</span>
        <CopyButton text={text} label={copyLabel} />
      </div>
      <pre
        tabIndex={0}
        aria-label={label}
        className={`${maxHeight} overflow-auto rounded-md bg-code p-3 font-mono text-xs leading-relaxed text-code-ink`}
      >
        {text}
      </pre>
    </div>
  );
}
