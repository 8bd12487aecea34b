import { Card } from "@/components/ui";
import { Time } from "@/components/ui/time";

/** What the registry feed holds (lib/events/registry-feed.ts), as the settings page hands it over. */
export type RegistryConnectionProps = {
  counts: { accepted: number; duplicate: number; ignored: number; rejected: number };
  lastReceivedAt: Date | null;
  lastSource: string | null;
  lastIgnored: { reason: string; at: Date | null } | null;
  lastRejected: { reason: string; at: Date | null } | null;
};

const COUNTS = [
  { key: "accepted", label: "Accepted", hint: "events that became deliveries" },
  { key: "duplicate", label: "Duplicate", hint: "events posted again (not delivered twice)" },
  { key: "ignored", label: "Ignored", hint: "events for an unknown project, or while webhooks were off" },
  { key: "rejected", label: "Rejected", hint: "requests refused: no or bad token, bad body" },
] as const;

/** The registry connection panel of the settings page: is a registry reaching us, and what went wrong last. */
export function RegistryConnection({
  counts,
  lastReceivedAt,
  lastSource,
  lastIgnored,
  lastRejected,
}: RegistryConnectionProps) {
  return (
    <Card title="Registry connection">
      <div className="space-y-3 text-sm text-slate-700" data-testid="registry-connection">
        {lastReceivedAt ? (
          <p>
            Last notification received{" "}
            <strong data-testid="registry-last-at">
              <Time date={lastReceivedAt} relative />
            </strong>{" "}
            from{" "}
            <code data-testid="registry-last-source" className="rounded bg-slate-100 px-1 text-slate-900">
              {lastSource ?? "unknown address"}
            </code>
            .
          </p>
        ) : (
          <p data-testid="registry-none">
            No registry has posted a notification yet. Once the registry&apos;s configuration below is in place, push an
            image and check here.
          </p>
        )}
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {COUNTS.map((c) => (
            <div key={c.key} className="rounded-md border border-slate-200 px-3 py-2">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{c.label}</dt>
              <dd
                data-testid={`registry-count-${c.key}`}
                className={`text-xl font-semibold ${c.key === "rejected" && counts.rejected > 0 ? "text-red-700" : c.key === "ignored" && counts.ignored > 0 ? "text-amber-700" : "text-slate-900"}`}
              >
                {counts[c.key]}
              </dd>
              <dd className="text-xs text-slate-500">{c.hint}</dd>
            </div>
          ))}
        </dl>
        {(lastIgnored || lastRejected) && (
          <dl className="space-y-1">
            {lastIgnored && (
              <div className="flex flex-wrap gap-x-2">
                <dt className="font-medium text-slate-800">Latest ignored:</dt>
                <dd data-testid="registry-last-ignored" className="break-all">
                  {lastIgnored.reason}
                  {lastIgnored.at && (
                    <span className="text-slate-500">
                      {" "}
                      (<Time date={lastIgnored.at} relative />)
                    </span>
                  )}
                </dd>
              </div>
            )}
            {lastRejected && (
              <div className="flex flex-wrap gap-x-2">
                <dt className="font-medium text-slate-800">Latest rejected:</dt>
                <dd data-testid="registry-last-rejected" className="break-all">
                  {lastRejected.reason}
                  {lastRejected.at && (
                    <span className="text-slate-500">
                      {" "}
                      (<Time date={lastRejected.at} relative />)
                    </span>
                  )}
                </dd>
              </div>
            )}
          </dl>
        )}
        <p className="text-xs text-slate-500">
          Counted for the whole instance; also on <code>/metrics</code> as{" "}
          <code>harbor_registry_notifications_total</code>. The address is the one the request carried (with a proxy in
          front, the address it reports).
        </p>
      </div>
    </Card>
  );
}
