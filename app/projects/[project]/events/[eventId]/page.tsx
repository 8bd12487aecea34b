import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { AutoRefresh } from "@/components/webhooks/auto-refresh";
import { CodeBlock } from "@/components/webhooks/json-block";
import { EventDeliveries } from "@/components/events/event-deliveries";
import { DeliverySummary } from "@/components/events/events-table";
import { EVENT_SOURCE_LABELS, eventLabel } from "@/lib/shared/display";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { loadEventPage } from "@/lib/webhooks-ui/loaders";
import { Time } from "@/components/ui/time";
import { titled } from "@/lib/webhooks-ui/titles";
import { Pagination } from "@/components/pagination";
import type { SearchParams } from "@/lib/shared/search-params";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-2 py-1.5 text-sm sm:grid-cols-[9rem_minmax(0,1fr)]">
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ project: string; eventId: string }> }) {
  const { project, eventId } = await params;
  return titled(`Event ${eventId}`, project);
}

export default async function EventPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; eventId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name, eventId } = await params;
  const data = await loadEventPage(name, eventId, await searchParams);
  const { event } = data;
  const project = data.project.name;
  return (
    <>
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="events" />
      <div className="space-y-6">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link href={`/projects/${encodeURIComponent(project)}/events`} className="text-sky-800 hover:underline">
            ← All events
          </Link>
        </nav>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">
            Event {event.id}: {eventLabel(event.type)}
          </h1>
          <AutoRefresh active={data.refreshing} />
        </div>
        <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
          <Card title="Event">
            <dl className="divide-y divide-slate-100">
              <Row label="Type">
                {eventLabel(event.type)} <code className="text-xs text-slate-500">{event.type}</code>
              </Row>
              <Row label="Occurred">
                <Time date={event.occurAt} />
              </Row>
              <Row label="Received">
                <Time date={event.createdAt} />
              </Row>
              <Row label="Operator">{event.operator || "—"}</Row>
              <Row label="Repository">{event.repository ?? "—"}</Row>
              <Row label="Tag">{event.tag ? <code className="break-all text-xs">{event.tag}</code> : "—"}</Row>
              <Row label="Digest">{event.digest ? <code className="break-all text-xs">{event.digest}</code> : "—"}</Row>
              <Row label="Source">{EVENT_SOURCE_LABELS[event.source] ?? event.source}</Row>
              <Row label="Request id">
                <code className="text-xs">{event.requestId}</code>
              </Row>
              <Row label="Deliveries">
                <DeliverySummary summary={data.deliveries} />
              </Row>
            </dl>
          </Card>
          <Card title="Payload">
            <CodeBlock text={event.payload} label="Event payload" copyLabel="Copy payload" />
          </Card>
        </div>
        <section aria-labelledby="deliveries-heading" className="space-y-3">
          <h2 id="deliveries-heading" className="text-lg font-semibold text-slate-900">
            Deliveries across the project&apos;s webhooks
          </h2>
          <EventDeliveries project={project} rows={data.executions} />
          <Pagination page={data.page} pageSize={data.pageSize} total={data.deliveries.total} />
        </section>
      </div>
    </>
  );
}
