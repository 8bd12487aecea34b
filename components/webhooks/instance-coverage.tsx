import { Card } from "@/components/ui";
import { EnabledBadge } from "@/components/webhooks/status-badge";
import { EventTypeList } from "@/components/webhooks/policy-grid";
import { NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import type { InstanceCoverage } from "@/lib/shared/webhook-views";

/**
 * The instance-wide webhooks that also get this project's events, read-only for its admins: names,
 * event types and notify types; where they send is the system admins' to see and change.
 */
export function InstanceCoverageCard({ coverage }: { coverage: InstanceCoverage[] }) {
  return (
    <Card title="Instance-wide webhooks">
      <div className="space-y-3 text-sm text-slate-700" data-instance-coverage>
        <p>
          {coverage.length === 0
            ? "No instance-wide webhook covers this project."
            : "A system admin keeps these webhooks for every project (or for projects named like this one). They also get this project's events. Ask a system admin to change them."}
        </p>
        {coverage.length > 0 && (
          <ul className="divide-y divide-slate-100">
            {coverage.map((c) => (
              <li key={c.name} className="flex flex-wrap items-start gap-x-4 gap-y-1 py-2" data-covering={c.name}>
                <span className="min-w-40 font-medium text-slate-900">{c.name}</span>
                <EnabledBadge enabled={c.enabled} />
                <span className="min-w-32">{c.target_types.map((t) => NOTIFY_TYPE_LABELS[t] ?? t).join(", ")}</span>
                <span className="text-xs">
                  <EventTypeList types={c.event_types} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
