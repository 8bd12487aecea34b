"use client";
import { useEffect, useState } from "react";
import { previewTemplateAction } from "@/app/projects/[project]/webhooks/actions";
import { Button, inputClass } from "@/components/ui";
import { EVENT_LABELS, EVENT_TYPES, type EventType } from "@/lib/shared/events";
import { DEFAULT_CONTENT_TYPE, TEMPLATE_MAX_BYTES } from "@/lib/shared/payload-template";
import { FORM_FIELD_IDS } from "@/lib/shared/policy-form";
import { TEMPLATE_PRESETS, templatePreset } from "@/lib/shared/template-presets";
import type { WebhookScope } from "@/lib/shared/webhook-scope";

type Props = {
  /** A project's name, or null for the instance-wide webhooks. */
  project: WebhookScope;
  template: string;
  contentType: string;
  onTemplate: (template: string) => void;
  onContentType: (contentType: string) => void;
  templateError?: string;
  contentTypeError?: string;
};

type Preview = { ok: true; body: string; contentType: string } | { ok: false; message: string } | { pending: true };

const labelClass = "block text-sm font-medium text-slate-800";
const PREVIEW_DELAY_MS = 400;

/**
 * The Custom payload format's fields: a preset to start from, the Liquid template, its content type,
 * and a live preview of the body for a sample event of the chosen type, rendered by the server
 * exactly as a delivery renders it.
 */
export function TemplateEditor({
  project,
  template,
  contentType,
  onTemplate,
  onContentType,
  templateError,
  contentTypeError,
}: Props) {
  const [presetId, setPresetId] = useState(TEMPLATE_PRESETS[0].id);
  const [eventType, setEventType] = useState<EventType>("PUSH_ARTIFACT");
  const [preview, setPreview] = useState<Preview>();
  const ids = FORM_FIELD_IDS;

  useEffect(() => {
    if (template.trim() === "") return;
    let current = true;
    const timer = setTimeout(async () => {
      setPreview({ pending: true });
      try {
        const r = await previewTemplateAction(project, template, contentType, eventType);
        if (!current) return;
        setPreview(r.ok ? r.data : { ok: false, message: r.message });
      } catch {
        if (current) setPreview({ ok: false, message: "The server could not be reached for the preview." });
      }
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [project, template, contentType, eventType]);

  const usePreset = () => {
    const preset = templatePreset(presetId);
    if (!preset) return;
    onTemplate(preset.template);
    onContentType(preset.contentType);
  };

  return (
    <div className="space-y-4 rounded-md border border-slate-200 p-3" data-testid="template-editor">
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor="template-preset" className={labelClass}>
            Start from a preset
          </label>
          <select
            id="template-preset"
            value={presetId}
            onChange={(e) => setPresetId(e.target.value)}
            className={`${inputClass} w-auto`}
          >
            {TEMPLATE_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <Button type="button" variant="secondary" onClick={usePreset}>
          Use preset
        </Button>
      </div>

      <div className="space-y-1">
        <label htmlFor={ids.payloadTemplate} className={labelClass}>
          Payload template (Liquid){" "}
          <span aria-hidden className="text-red-700">
            *
          </span>
        </label>
        <textarea
          id={ids.payloadTemplate}
          value={template}
          onChange={(e) => onTemplate(e.target.value)}
          rows={14}
          spellCheck={false}
          className={`${inputClass} font-mono text-xs`}
          aria-invalid={!!templateError}
          aria-describedby={templateError ? `${ids.payloadTemplate}-error` : `${ids.payloadTemplate}-hint`}
        />
        {templateError && (
          <p id={`${ids.payloadTemplate}-error`} className="text-xs text-red-700">
            {templateError}
          </p>
        )}
        <p id={`${ids.payloadTemplate}-hint`} className="text-xs text-slate-500">
          Sees <code>type</code>, <code>occur_at</code>, <code>operator</code>, <code>event_data</code>,{" "}
          <code>project</code>, <code>policy</code>, <code>links.execution</code> (with EXTERNAL_URL) and{" "}
          <code>summary</code> (<code>title</code>, <code>subtitle</code>, <code>color</code>, <code>facts</code>).
          Embed values with <code>{"{{ value | json }}"}</code>, or <code>{"{{ value | json_escape }}"}</code> inside a
          JSON string. At most {TEMPLATE_MAX_BYTES / 1024} KiB; no include, render or layout. It is checked against the
          sample event of every type when you save.
        </p>
      </div>

      <div className="space-y-1">
        <label htmlFor={ids.contentType} className={labelClass}>
          Content type
        </label>
        <input
          id={ids.contentType}
          value={contentType}
          onChange={(e) => onContentType(e.target.value)}
          placeholder={DEFAULT_CONTENT_TYPE}
          className={`${inputClass} max-w-md font-mono`}
          aria-invalid={!!contentTypeError}
          aria-describedby={contentTypeError ? `${ids.contentType}-error` : `${ids.contentType}-hint`}
        />
        {contentTypeError && (
          <p id={`${ids.contentType}-error`} className="text-xs text-red-700">
            {contentTypeError}
          </p>
        )}
        <p id={`${ids.contentType}-hint`} className="text-xs text-slate-500">
          Sent as the Content-Type header. With application/json (or a +json type) the rendered body must be JSON.
        </p>
      </div>

      <div className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor="template-preview-event" className={labelClass}>
            Preview for
          </label>
          <select
            id="template-preview-event"
            value={eventType}
            onChange={(e) => setEventType(e.target.value as EventType)}
            className={`${inputClass} w-auto`}
          >
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {EVENT_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        {template.trim() === "" ? (
          <p className="text-xs text-slate-500">Write a template, or start from a preset, to see the body it sends.</p>
        ) : !preview || "pending" in preview ? (
          <p className="text-xs text-slate-500" role="status">
            Rendering…
          </p>
        ) : preview.ok ? (
          <pre
            data-testid="template-preview"
            aria-label="Rendered body"
            className="max-h-80 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100"
          >
            {preview.body}
          </pre>
        ) : (
          <p
            data-testid="template-preview-error"
            role="alert"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {preview.message}
          </p>
        )}
      </div>
    </div>
  );
}
