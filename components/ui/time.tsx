"use client";
/**
 * Every time the pages show, in one convention: lists say how long ago ("3 min ago"), detail
 * pages give the date and time in the browser's time zone, and hovering either shows the exact
 * UTC time. The server does not know the browser's zone, so it renders the UTC text and the
 * browser replaces it once hydrated (useSyncExternalStore's server snapshot keeps the two equal).
 */
import { useSyncExternalStore } from "react";
import { formatDateTime, formatLocalDateTime, formatRelativeTime } from "@/lib/shared/display";

// One clock for every <Time> on the page: relative times move on without a timer each.
const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    // The first time on a page since the clock last stopped: React reads the fresh value next.
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const clientNow = () => now;
const serverNow = () => null;

export function Time({
  date,
  relative = false,
  className,
}: {
  date: Date | string | null | undefined;
  /** lists: "3 min ago"; otherwise the local date and time */
  relative?: boolean;
  className?: string;
}) {
  const current = useSyncExternalStore(subscribe, clientNow, serverNow);
  if (!date) return <span className={className}>—</span>;
  const d = typeof date === "string" ? new Date(date) : date;
  const utc = formatDateTime(d);
  const text = current === null ? utc : relative ? formatRelativeTime(d, new Date(current)) : formatLocalDateTime(d);
  return (
    <time dateTime={d.toISOString()} title={utc} className={className}>
      {text}
    </time>
  );
}
