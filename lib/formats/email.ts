/**
 * Email targets: a message with a plain-text and an HTML part saying what the chat cards say
 * (chat-facts.ts). Every value is HTML-escaped in the HTML part, and the subject is one line of
 * printable text, so nothing an event carries can add a header or markup.
 */
import { EVENT_LABELS, type HarborEvent } from "@/lib/shared/events";
import { chatFacts, LINK_TITLE, type ChatContext, type Tone } from "./chat-facts";
import { truncate } from "./chat-text";

export type EmailMessage = { subject: string; text: string; html: string };

const SUBJECT_LIMIT = 200;
const FACT_VALUE_LIMIT = 2000;

const TONE_COLOR: Record<Tone, string> = { good: "#1e8e3e", warning: "#b06000", danger: "#c5221f", info: "#1a73e8" };

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** One line of printable text: line breaks, tabs and other control characters become spaces. */
export function headerText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

/** "[Harbor] library: Artifact pushed in library/alpine" (the project and repository when the event names them). */
function subjectOf(event: HarborEvent, facts: { label: string; value: string }[]): string {
  const project = facts.find((f) => f.label === "Project")?.value;
  const repository = facts.find((f) => f.label === "Repository")?.value;
  const label = EVENT_LABELS[event.type] ?? event.type;
  const subject = `[Harbor] ${project ? `${project}: ` : ""}${label}${repository ? ` in ${repository}` : ""}`;
  return truncate(headerText(subject), SUBJECT_LIMIT);
}

export function buildEmailMessage(event: HarborEvent, ctx: ChatContext): EmailMessage {
  const f = chatFacts(event, ctx);
  const facts = f.facts.map((fact) => ({ label: fact.label, value: truncate(fact.value, FACT_VALUE_LIMIT) }));
  const width = Math.max(...facts.map((fact) => fact.label.length), 0);

  const text = [
    f.title,
    f.subtitle,
    "",
    ...facts.map((fact) => `${`${fact.label}:`.padEnd(width + 2)}${fact.value}`),
    ...(f.link ? ["", `${LINK_TITLE}: ${f.link}`] : []),
    "",
    "-- ",
    "Sent by Harbor Notifier",
    "",
  ].join("\n");

  const rows = facts
    .map(
      (fact) =>
        `<tr><th align="left" valign="top" style="padding:4px 12px 4px 0;color:#555;font-weight:600;white-space:nowrap">${escapeHtml(fact.label)}</th>` +
        `<td style="padding:4px 0;word-break:break-word">${escapeHtml(fact.value)}</td></tr>`,
    )
    .join("\n");
  const link = f.link
    ? `<p style="margin:16px 0 0"><a href="${escapeHtml(f.link)}" style="color:#1a73e8">${escapeHtml(LINK_TITLE)}</a></p>`
    : "";
  const html = [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(f.title)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#202124">',
    `<div style="border-left:4px solid ${TONE_COLOR[f.tone]};padding:0 0 0 12px">`,
    `<h2 style="margin:0 0 4px;font-size:18px">${escapeHtml(f.title)}</h2>`,
    `<p style="margin:0 0 12px;color:#5f6368">${escapeHtml(f.subtitle)}</p>`,
    `<table cellspacing="0" cellpadding="0" style="border-collapse:collapse">\n${rows}\n</table>`,
    link,
    "</div>",
    '<p style="margin:24px 0 0;color:#80868b;font-size:12px">Sent by Harbor Notifier</p>',
    "</body></html>",
    "",
  ]
    .filter((line) => line !== "")
    .join("\n");

  return { subject: subjectOf(event, f.facts), text, html };
}
