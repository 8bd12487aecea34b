/** How the admin UI shows values: pure, so server and client render the same text. */
import { EVENT_LABELS, isAnyEventType } from "@/lib/shared/events";
import { OPEN_STATUSES, type TaskStatus } from "@/lib/shared/task-statuses";

/**
 * The exact instant in UTC with the zone spelled out: what a page renders before it knows the
 * browser's time zone, and what every time shows on hover.
 */
export function formatDateTime(date: Date | null | undefined): string {
  if (!date) return "—";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The date and time in a time zone (the browser's by default), its name spelled out: "2 Dec 2026, 14:03:05 GMT+1". */
export function formatLocalDateTime(date: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  }).format(date);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago (or how soon) a time is, as lists show it: "just now", "3 min ago", "5 h ago",
 * "2 days ago", "in 4 min". Beyond a week the local date is clearer than a count of days.
 */
export function formatRelativeTime(date: Date, now: Date, timeZone?: string): string {
  const diff = now.getTime() - date.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return "just now";
  let amount: string;
  if (abs < HOUR) amount = `${Math.max(1, Math.round(abs / MINUTE))} min`;
  else if (abs < DAY) amount = `${Math.round(abs / HOUR)} h`;
  else if (abs < 7 * DAY) {
    const days = Math.round(abs / DAY);
    amount = `${days} ${days === 1 ? "day" : "days"}`;
  } else {
    return new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" }).format(date);
  }
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
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

export const NOTIFY_TYPE_LABELS: Record<string, string> = {
  http: "HTTP",
  slack: "Slack",
  teams: "Microsoft Teams",
  googlechat: "Google Chat",
  mattermost: "Mattermost",
  discord: "Discord",
  email: "Email",
};

/** Where an event came from (Event.source). */
export const EVENT_SOURCE_LABELS: Record<string, string> = {
  registry: "Registry notification",
  api: "Event API",
  test: "Test event",
  alert: "Operator alert",
};

export function eventLabel(type: string): string {
  return isAnyEventType(type) ? EVENT_LABELS[type] : type;
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

/** What the run count of a task is made of (one task per execution in this product). */
export type RunCountInput = {
  status: string;
  runCount: number;
  maxAttempts: number;
  statusMessage?: string;
  /** attempts made before the latest redelivery; undefined when the task was never redelivered */
  redeliveredAfter?: number;
};

const attemptsWord = (n: number) => `${n} ${n === 1 ? "attempt" : "attempts"}`;
const NOT_RETRIED = " (not retried)";

/** Why a failed task was not retried, or undefined when it was (or could have been). */
function notRetriedReason(t: RunCountInput): string | undefined {
  if (t.status !== "Error" || t.runCount === 0) return undefined;
  const message = t.statusMessage ?? "";
  if (/^response code 410\b/.test(message)) return "410 Gone, the endpoint is paused";
  if (!message.endsWith(NOT_RETRIED)) return undefined;
  const reason = message.slice(0, -NOT_RETRIED.length).replace(/^response code (\d+).*$/s, "$1 is not retryable");
  return reason.length > 120 ? `${reason.slice(0, 119)}…` : reason;
}

/**
 * The run count as the pages say it, so the numbers explain themselves: "1 attempt (not retried:
 * …)", "3 of 4 attempts" while retrying, "redelivered: attempt 5 (4 before)" — a redelivery adds a
 * fresh set of attempts to the same task, so its maximum grows, and this says why.
 */
export function runCountText(t: RunCountInput): string {
  const { status, runCount: n, maxAttempts: max } = t;
  const before = t.redeliveredAfter;
  if (before !== undefined && before <= n) {
    const since = n - before;
    const tail = `(${before} before)`;
    if (since === 0) {
      if (status === "Running") return `redelivered: attempt ${before + 1} under way ${tail}`;
      if (status === "Pending") return `redelivered: attempt ${before + 1} pending ${tail}`;
      return `redelivered: no new attempt ${tail}`;
    }
    const which = since === 1 ? `attempt ${n}` : `attempts ${before + 1}–${n}`;
    const reason = notRetriedReason(t);
    if (reason) return `redelivered: ${which} ${tail}, not retried: ${reason}`;
    if (status === "Running") return `redelivered: ${which}, attempt ${n + 1} of ${max} under way ${tail}`;
    if (status === "Pending") return `redelivered: ${which} of ${max} ${tail}`;
    if (status === "Error" && n >= max) return `redelivered: ${which} of ${max} ${tail}, gave up`;
    return `redelivered: ${which} ${tail}`;
  }
  const reason = notRetriedReason(t);
  if (reason) return `${attemptsWord(n)} (not retried: ${reason})`;
  switch (status) {
    case "Running":
      return `attempt ${n + 1} of ${max} under way`;
    case "Pending":
      return n === 0 ? `no attempt yet (up to ${max})` : `${n} of ${max} attempts`;
    case "Success":
      return n <= 1 ? attemptsWord(n) : `${n} of ${max} attempts`;
    case "Error":
      return n >= max ? `${n} of ${max} attempts (gave up)` : `${n} of ${max} attempts`;
    case "Stopped":
      return n === 0 ? "stopped before any attempt" : `${n} of ${max} attempts (stopped)`;
    default:
      return attemptsWord(n);
  }
}
