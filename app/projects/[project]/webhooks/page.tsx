import { EmptyState, LinkButton, Notice, PageHeader } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { PolicyGrid } from "@/components/webhooks/policy-grid";
import { loadWebhooksPage } from "@/lib/webhooks-ui/loaders";
import { one, sortString, type SearchParams } from "@/lib/shared/search-params";
import { deletedText } from "@/lib/shared/flash";
import { refusalMessage } from "@/lib/auth/permission-messages";
import { titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("Webhooks", (await params).project);
}

export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name } = await params;
  const sp = await searchParams;
  const data = await loadWebhooksPage(name, sp);
  const project = data.project.name;
  const base = `/projects/${encodeURIComponent(project)}/webhooks`;
  // A code, never text from the URL.
  const deleted = deletedText(one(sp, "deleted"));
  return (
    <>
      <PageHeader title={project} subtitle="Webhooks tell other systems about events in this project's repositories." />
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="webhooks" />
      <div className="space-y-4">
        {deleted && <Notice tone="green">{deleted}</Notice>}
        {!data.manage && (
          <Notice>You can look at these webhooks and their deliveries. {refusalMessage("webhook.manage")}</Notice>
        )}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <form role="search" className="flex gap-2" action={base}>
            <label htmlFor="webhook-filter" className="sr-only">
              Filter webhooks by name
            </label>
            <input
              id="webhook-filter"
              name="q"
              defaultValue={data.q}
              placeholder="Filter by name"
              className="w-64 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
            />
            {data.sort && <input type="hidden" name="sort" value={sortString(data.sort)} />}
            <button
              type="submit"
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              Filter
            </button>
          </form>
          {data.manage && (
            <LinkButton variant="primary" href={`${base}/new`}>
              New webhook
            </LinkButton>
          )}
        </div>
        {data.rows.length === 0 ? (
          data.q ? (
            <EmptyState title={`No webhook matches “${data.q}”.`}>
              <a href={base} className="text-sky-800 hover:underline">
                Show all webhooks
              </a>
            </EmptyState>
          ) : (
            <EmptyState title="No webhooks yet">
              <p className="mx-auto max-w-xl">
                A webhook sends an HTTP POST (or a message to Slack, Teams, Google Chat, Mattermost or Discord) to an
                endpoint of yours whenever something happens in this project: an artifact is pushed, pulled or deleted,
                a scan finishes, a quota is reached, a replication or tag retention runs. Use it to trigger builds and
                deployments, rescan images or tell a team channel.
              </p>
              {data.manage && (
                <p className="mt-3">
                  <LinkButton variant="primary" href={`${base}/new`}>
                    Create the first webhook
                  </LinkButton>
                </p>
              )}
            </EmptyState>
          )
        ) : (
          <PolicyGrid project={project} rows={data.rows} manage={data.manage} sort={data.sort} q={data.q} />
        )}
        <Pagination
          page={data.page}
          pageSize={data.pageSize}
          total={data.total}
          params={{ q: data.q, sort: sortString(data.sort) }}
        />
      </div>
    </>
  );
}
