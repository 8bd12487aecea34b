import { EmptyState, LinkButton } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { PolicyGrid } from "@/components/webhooks/policy-grid";
import { sortString } from "@/lib/shared/search-params";
import { webhooksBase, type WebhookScope } from "@/lib/shared/webhook-scope";
import type { WebhookListView } from "@/lib/shared/webhook-views";

/** The webhook list with its filter, New button and paging; for a project's webhooks or the instance-wide ones. */
export function WebhookList({ scope, data }: { scope: WebhookScope; data: WebhookListView }) {
  const base = webhooksBase(scope);
  const range = data.stats?.range;
  return (
    <>
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
          {range && <input type="hidden" name="range" value={range} />}
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
              {scope === null && (
                <>
                  An instance-wide webhook gets the events of every project, present and future, or of the projects
                  whose names match its pattern.{" "}
                </>
              )}
              A webhook sends an HTTP POST (or a message to Slack, Teams, Google Chat, Mattermost or Discord) to an
              endpoint of yours whenever something happens in {scope === null ? "a project" : "this project"}: an
              artifact is pushed, pulled or deleted, a scan finishes, a quota is reached, a replication or tag retention
              runs. Use it to trigger builds and deployments, rescan images or tell a team channel.
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
        <PolicyGrid project={scope} rows={data.rows} manage={data.manage} sort={data.sort} q={data.q} range={range} />
      )}
      <Pagination
        page={data.page}
        pageSize={data.pageSize}
        total={data.total}
        params={{ q: data.q, sort: sortString(data.sort), range }}
      />
    </>
  );
}
