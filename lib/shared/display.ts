/** How the admin UI shows values: pure, so server and client render the same text. */
import { EVENT_LABELS, isEventType } from "@/lib/shared/events";
import { OPEN_STATUSES, type TaskStatus } from "@/lib/shared/task-statuses";

/** Dates in UTC with the zone spelled out, so a page reads the same wherever it is rendered. */
export function formatDateTime(date: Date | null | undefined): string {
  if (!date) return "—";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The same, split for narrow table cells: "2024-05-01" and "12:03:04 UTC". */
export function splitDateTime(date: Date): { date: string; time: string } {
  const iso = date.toISOString();
  return { date: iso.slice(0, 10), time: `${iso.slice(11, 19)} UTC` };
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** Time between two dates, or "—" while the second one is missing. */
export function elapsed(start: Date | null | undefined, end: Date | null | undefined): string {
  return start && end ? formatDuration(end.getTime() - start.getTime()) : "—";
}

/** JSON text indented for reading; text that is not JSON is shown as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const NOTIFY_TYPE_LABELS: Record<string, string> = { http: "HTTP", slack: "Slack" };
export const VENDOR_TYPE_LABELS: Record<string, string> = { WEBHOOK: "HTTP", SLACK: "Slack" };

export function eventLabel(type: string): string {
  return isEventType(type) ? EVENT_LABELS[type] : type;
}

export type Tone = "green" | "red" | "amber" | "blue" | "gray";

export function statusTone(status: string): Tone {
  switch (status as TaskStatus) {
    case "Success":
      return "green";
    case "Error":
      return "red";
    case "Running":
      return "blue";
    case "Pending":
      return "amber";
    default:
      return "gray";
  }
}

/** Whether any of these statuses may still change, so the page should keep refreshing. */
export function anyOpen(statuses: Iterable<string>): boolean {
  for (const s of statuses) if ((OPEN_STATUSES as readonly string[]).includes(s)) return true;
  return false;
}
