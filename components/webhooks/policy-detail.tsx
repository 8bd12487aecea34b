import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, Card, Notice } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { DeliveryStatsPanel } from "@/components/webhooks/delivery-stats";
import { AlertsPanel } from "@/components/webhooks/alerts-panel";
import { AutoRefresh } from "@/components/webhooks/auto-refresh";
import { RedeliverFailedForm } from "@/components/webhooks/execution-actions";
import { ExecutionFiltersForm, ExecutionsTable } from "@/components/webhooks/executions-table";
import { PolicyActions, RotateSigningKey } from "@/components/webhooks/policy-actions";
import { EventTypeList, TargetState } from "@/components/webhooks/policy-grid";
import { EnabledBadge } from "@/components/webhooks/status-badge";
import { Time } from "@/components/ui/time";
import { formatDuration, NOTIFY_TYPE_LABELS } from "@/lib/shared/display";
import { executionFilterQuery, hasFilters, queryString } from "@/lib/shared/search-params";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";
import type { PolicyDetailView } from "@/lib/shared/webhook-views";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-2 py-1.5 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

/**
 * A webhook's page below its header: settings, signing key, redelivery and executions. The same for
 * a project's webhook and an instance-wide one (`scope` null), which also names the projects it covers.
 */
export function PolicyDetail({ scope, data, saved }: { scope: WebhookScope; data: PolicyDetailView; saved: boolean }) {
  const { policy } = data;
  const base = webhooksBase(scope);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <Link href={base} className="text-sky-800 hover:underline">
          ← All webhooks
        </Link>
      </nav>
      <div className="space-y-6">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 className="flex items-center gap-2 text-xl font-semibold text-slate-900">
              {policy.name} <EnabledBadge enabled={policy.enabled} />
            </h2>
            {policy.description && <p className="mt-1 text-sm text-slate-600">{policy.description}</p>}
          </div>
          {data.manage && (
            <PolicyActions
              project={scope}
              policy={{ id: policy.id, name: policy.name, enabled: policy.enabled, eventTypes: policy.eventTypes }}
              layout="page"
            />
          )}
        </div>
        {saved && <Notice tone="green">Webhook saved.</Notice>}

        <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
          <Card title="Settings">
            <dl className="divide-y divide-slate-100">
              {policy.targets.map((t, i) => (
                <div key={t.id}>
                  <Row label={policy.targets.length > 1 ? `Target ${i + 1}` : "Endpoint"}>
                    <span className="break-all">{t.address}</span>
                    <TargetState project={scope} policyId={policy.id} target={t} manage={data.manage} />
                  </Row>
                  <Row label="Notify type">{NOTIFY_TYPE_LABELS[t.type] ?? t.type}</Row>
                  {(t.type === "http" || t.payloadFormat === "Custom") && (
                    <Row label="Payload format">{t.payloadFormat}</Row>
                  )}
                  {t.type === "http" && (
                    <Row label="Remote certificate">
                      {t.skipCertVerify ? <Badge tone="amber">Not verified</Badge> : "Verified"}
                    </Row>
                  )}
                  {t.type === "http" && t.authHeaderSet !== undefined && (
                    <Row label="Auth header">{t.authHeaderSet ? "Set (hidden)" : "Not set"}</Row>
                  )}
                </div>
              ))}
              <Row label="Event types">
                <EventTypeList types={policy.eventTypes} />
              </Row>
              {policy.instanceWide && (
                <Row label="Projects">
                  {policy.projectPattern ? <code>{policy.projectPattern}</code> : "Every project, present and future"}
                </Row>
              )}
              <Row label="Repository pattern">
                {policy.repoPattern ? <code>{policy.repoPattern}</code> : "Every repository"}
              </Row>
              <Row label="Tag pattern">{policy.tagPattern ? <code>{policy.tagPattern}</code> : "Every tag"}</Row>
              <Row label="Grouping window">
                {policy.groupingWindowSeconds
                  ? `${policy.groupingWindowSeconds} s: one notification per type and repository`
                  : "Off: one notification per event"}
              </Row>
              <Row label="Conditions">
                {policy.conditions.length > 0 ? (
                  <ul className="space-y-0.5">
                    {policy.conditions.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                ) : (
                  "None"
                )}
              </Row>
              <Row label="Max attempts">
                {policy.retry.maxAttempts}
                {!policy.retry.maxAttemptsOverridden && " (system default)"}
              </Row>
              <Row label="HTTP timeout">
                {formatDuration(policy.retry.timeoutMs)}
                {!policy.retry.timeoutOverridden && " (system default)"}
              </Row>
              {policy.retry.backoffBaseMs != null && (
                <Row label="First retry delay">{formatDuration(policy.retry.backoffBaseMs)}</Row>
              )}
              <Row label="Created">
                <Time date={policy.createdAt} />
                {policy.creator && ` by ${policy.creator}`}
              </Row>
              <Row label="Updated">
                <Time date={policy.updatedAt} />
              </Row>
            </dl>
          </Card>
          <div className="space-y-6">
            {/* Slack messages are not signed: the key matters only to HTTP targets. */}
            {data.signing && policy.targets.some((t) => t.type === "http") && (
              <Card title="Signing key">
                <div className="space-y-2 text-sm text-slate-700">
                  <p>
                    HTTP deliveries carry Standard Webhooks signatures (<code>webhook-signature</code>) made with this
                    webhook&apos;s secret.
                  </p>
                  <p>
                    Current key since <Time date={data.signing.currentSince} />.
                  </p>
                  {data.signing.previousValidUntil && (
                    <p>
                      The previous key also signs until <Time date={data.signing.previousValidUntil} />.
                    </p>
                  )}
                  {data.manage && (
                    <RotateSigningKey project={scope} policyId={policy.id} overlapHours={data.signingOverlapHours} />
                  )}
                </div>
              </Card>
            )}
            {data.manage && (
              <Card title="Redeliver failed deliveries">
                <RedeliverFailedForm project={scope} policyId={policy.id} />
              </Card>
            )}
          </div>
        </div>

        <DeliveryStatsPanel
          stats={data.stats}
          hrefFor={(range) =>
            `${base}/${policy.id}${queryString({ ...executionFilterQuery(data.filters), page: data.page > 1 ? String(data.page) : undefined, range })}`
          }
        />

        <AlertsPanel alerts={data.alerts} instanceWide={policy.instanceWide} />

        <section aria-labelledby="executions-heading" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="executions-heading" className="text-lg font-semibold text-slate-900">
              Executions
            </h2>
            <AutoRefresh active={data.refreshing} />
          </div>
          <ExecutionFiltersForm filters={data.filters} eventTypes={data.eventTypeChoices} />
          <ExecutionsTable
            project={scope}
            policyId={policy.id}
            rows={data.executions}
            manage={data.manage}
            filtered={hasFilters(data.filters)}
          />
          <Pagination
            page={data.page}
            pageSize={data.pageSize}
            total={data.total}
            params={{ ...executionFilterQuery(data.filters), range: data.stats.range }}
          />
        </section>
      </div>
    </>
  );
}
