"use client";
import { Button, inputClass } from "@/components/ui";
import { MAX_CUSTOM_HEADERS } from "@/lib/shared/payload-template";
import { FORM_FIELD_IDS } from "@/lib/shared/policy-form";
import { SECRET_MASK } from "@/lib/shared/policy-input";

type Header = { name: string; value: string };

/** An http target's extra request headers: name and value rows; stored values show masked until replaced. */
export function CustomHeadersField({
  headers,
  onChange,
  error,
}: {
  headers: Header[];
  onChange: (headers: Header[]) => void;
  error?: string;
}) {
  const id = FORM_FIELD_IDS.customHeaders;
  const update = (i: number, patch: Partial<Header>) =>
    onChange(headers.map((h, j) => (j === i ? { ...h, ...patch } : h)));
  return (
    <fieldset id={id} className="space-y-2" aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend className="block text-sm font-medium text-slate-800">Custom headers</legend>
      {headers.map((h, i) => (
        <div key={i} className="flex flex-wrap items-center gap-2" data-testid="custom-header-row">
          <input
            aria-label={`Header ${i + 1} name`}
            value={h.name}
            onChange={(e) => update(i, { name: e.target.value })}
            placeholder="X-Api-Key"
            autoComplete="off"
            className={`${inputClass} max-w-xs font-mono`}
          />
          <input
            aria-label={`Header ${i + 1} value`}
            type="password"
            value={h.value}
            // A stored value is shown masked; typing replaces it.
            onFocus={(e) => h.value === SECRET_MASK && e.target.select()}
            onChange={(e) => update(i, { value: e.target.value })}
            autoComplete="new-password"
            className={`${inputClass} max-w-sm`}
          />
          <Button type="button" variant="ghost" onClick={() => onChange(headers.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      {headers.length < MAX_CUSTOM_HEADERS && (
        <Button type="button" variant="secondary" onClick={() => onChange([...headers, { name: "", value: "" }])}>
          Add header
        </Button>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        Up to {MAX_CUSTOM_HEADERS} extra request headers, such as an API key. Values are write-only and stored
        encrypted, and masked in the delivery log. Content-Type, Authorization, Host, Content-Length, webhook-* and
        hop-by-hop headers are set by the delivery and cannot be set here.
      </p>
    </fieldset>
  );
}
