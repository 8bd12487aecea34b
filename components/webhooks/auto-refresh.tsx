"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page from the server every `intervalMs` while `active`. The server decides
 * `active` (anything shown still Pending or Running), so refreshing stops by itself once every
 * delivery shown has finished.
 */
export function AutoRefresh({ active, intervalMs = 2000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  return (
    <p role="status" aria-live="polite" className="text-xs text-slate-500">
      {active ? (
        <>
          <span aria-hidden className="mr-1 inline-block h-2 w-2 animate-pulse rounded-full bg-amber-500" />
          Deliveries in progress; this page updates every {intervalMs / 1000} s.
        </>
      ) : (
        "Nothing pending or running."
      )}
    </p>
  );
}
