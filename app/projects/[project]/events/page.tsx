import { PageHeader } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { EventSearchForm, EventsTable } from "@/components/events/events-table";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { loadEventsPage } from "@/lib/webhooks-ui/loaders";
import { eventSearchQuery, hasFilters, type SearchParams } from "@/lib/shared/search-params";
import { titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("Events", (await params).project);
}

export default async function EventsPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name } = await params;
  const data = await loadEventsPage(name, await searchParams);
  const project = data.project.name;
  return (
    <>
      <PageHeader title={project} subtitle="Every event of this project and what became of its deliveries." />
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="events" />
      <div className="space-y-4">
        <EventSearchForm filters={data.filters} eventTypes={data.eventTypeChoices} />
        <p className="text-xs text-slate-500">
          Exact matches. Replication and tag retention events have no repository, tag or digest; events stored before
          this search existed were filled in when the database was upgraded.
        </p>
        <EventsTable project={project} rows={data.events} filtered={hasFilters(data.filters)} />
        {data.totalCapped && (
          <p className="text-xs text-slate-500">More than 10,000 events match; refine the search.</p>
        )}
        <Pagination
          page={data.page}
          pageSize={data.pageSize}
          total={data.total}
          params={eventSearchQuery(data.filters)}
        />
      </div>
    </>
  );
}
