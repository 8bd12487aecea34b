"use client";

import { useEffect, useRef } from "react";

/** "YYYY-MM-DDTHH:mm" in the browser's time zone, for a datetime-local input. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (the browser's local time) as an ISO instant in UTC. */
function toUtc(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/**
 * One bound of a time range: a datetime-local input in the browser's time zone, and the hidden
 * field the form submits, the same instant in UTC (ISO 8601), which the server parses.
 */
export function LocalTimeInput({
  id,
  name,
  label,
  value,
}: {
  id: string;
  name: string;
  label: string;
  /** the current bound, ISO in UTC */
  value?: string;
}) {
  const localRef = useRef<HTMLInputElement>(null);
  const utcRef = useRef<HTMLInputElement>(null);
  // The server does not know the browser's time zone: the local value is filled in after hydration.
  useEffect(() => {
    if (localRef.current) localRef.current.value = toLocalInput(value);
  }, [value]);
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        ref={localRef}
        type="datetime-local"
        onChange={(e) => {
          if (utcRef.current) utcRef.current.value = toUtc(e.target.value);
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      />
      <input ref={utcRef} type="hidden" name={name} defaultValue={value ?? ""} data-utc={name} />
    </div>
  );
}
