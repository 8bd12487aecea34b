import Link from "next/link";

/** Shown on every project page while the instance-wide switch is off: events are dropped, not queued. */
export function WebhooksOffBanner({ skippedEvents, sysadmin }: { skippedEvents: number; sysadmin: boolean }) {
  return (
    <div
      role="status"
      data-testid="webhooks-off-banner"
      className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <span>
        <strong>Webhooks are switched off for the whole instance:</strong> events are being skipped (
        <span data-testid="webhooks-off-skipped">{skippedEvents}</span> so far). They are not queued and will not be
        sent later.
      </span>
      {sysadmin ? (
        <Link href="/admin/settings" className="font-medium underline hover:text-amber-950">
          Turn them on in the system settings
        </Link>
      ) : (
        <span>A system admin can turn them back on.</span>
      )}
    </div>
  );
}
