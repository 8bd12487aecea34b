/**
 * The save-time check of Custom payload templates: each must render, and be JSON where its content
 * type says so, for the sample event of every type, so a template that would fail every delivery
 * is refused with its line and column instead of being saved.
 */
import { AppError } from "@/lib/errors";
import { sampleEvent } from "@/lib/events/samples";
import { checkTemplate, templateErrorText, type TemplateError } from "@/lib/formats/custom";
import { EVENT_TYPES } from "@/lib/shared/events";

export const SAMPLE_EVENTS = EVENT_TYPES.map((type) => sampleEvent(type));

/** Why a template fails with the sample events, or null when it renders for every one. */
export function templateProblem(template: string, contentType?: string | null): TemplateError | null {
  return checkTemplate({ template, contentType }, SAMPLE_EVENTS);
}

type TargetTemplate = {
  type: string;
  payload_format?: string | null;
  payload_template?: string | null;
  content_type?: string | null;
};
type StoredTemplate = { position: number; payloadTemplate: string | null; contentType: string | null };

/**
 * Checks every Custom target of a policy input; a template or content type left out is the stored
 * one of the target at the same position (as the policy service keeps it). Throws invalid_template.
 */
export function assertTemplatesRender(targets: readonly TargetTemplate[], stored: readonly StoredTemplate[] = []) {
  targets.forEach((t, position) => {
    if (t.payload_format !== "Custom" || t.type === "slack") return;
    const before = stored.find((s) => s.position === position);
    const template = t.payload_template !== undefined ? t.payload_template : before?.payloadTemplate;
    const contentType = t.content_type !== undefined ? t.content_type : before?.contentType;
    if (!template) return; // the policy service refuses a Custom target without a template
    const problem = templateProblem(template, contentType);
    const field = `targets.${position}.payload_template`;
    if (problem) throw new AppError("invalid_template", `${field}: ${templateErrorText(problem)}`, field);
  });
}
