import { Badge, Clamp, Card, EmptyState, PageHeader, Table, Td } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { ProjectTabs } from "@/components/projects/project-tabs";
import { visibleProjectTabs } from "@/lib/webhooks-ui/project-tabs";
import { CreateApiKeyForm, RevokeApiKeyButton } from "@/components/api-keys/api-key-forms";
import { loadApiKeysPage } from "@/lib/webhooks-ui/loaders";
import { Time } from "@/components/ui/time";
import type { SearchParams } from "@/lib/shared/search-params";
import { titled } from "@/lib/webhooks-ui/titles";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }) {
  return titled("API keys", (await params).project);
}

export default async function ApiKeysPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { project: name } = await params;
  const data = await loadApiKeysPage(name, await searchParams);
  const project = data.project.name;
  return (
    <>
      <PageHeader title={project} subtitle="API keys let scripts, CI systems and scanners use this project's APIs." />
      <ProjectTabs project={project} tabs={visibleProjectTabs(data.role)} active="api-keys" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <div className="space-y-3">
          {data.total === 0 ? (
            <EmptyState title="No API keys yet">
              Create one to post events to <code>POST /v1/events</code>, manage destinations through{" "}
              <code>/v1/destinations</code> or webhook policies through the Harbor-compatible API, as this project.
            </EmptyState>
          ) : (
            <Table head={["Prefix", "Mode", "Name", "Created", "Last used", "Status", "Actions"]} caption="API keys">
              {data.keys.map((k) => (
                <tr key={k.id} data-key={k.prefix}>
                  <Td className="font-mono text-xs">{k.prefix}…</Td>
                  <Td>{k.mode === "live" ? <Badge tone="blue">Live</Badge> : <Badge tone="amber">Test</Badge>}</Td>
                  <Td className="max-w-64">
                    {k.name ? <Clamp text={k.name} /> : <span className="text-slate-500">—</span>}
                  </Td>
                  <Td className="whitespace-nowrap text-xs">
                    <Time date={k.createdAt} relative />
                    {k.createdBy && <span className="block text-slate-500">by {k.createdBy}</span>}
                  </Td>
                  <Td className="whitespace-nowrap text-xs">
                    {k.lastUsedAt ? <Time date={k.lastUsedAt} relative /> : "Never"}
                  </Td>
                  <Td>
                    {k.revokedAt ? (
                      <span className="text-xs">
                        <Badge tone="red">Revoked</Badge>{" "}
                        <Time date={k.revokedAt} relative className="block text-slate-500" />
                      </span>
                    ) : (
                      <Badge tone="green">Active</Badge>
                    )}
                  </Td>
                  <Td>
                    {!k.revokedAt && (
                      <RevokeApiKeyButton
                        project={project}
                        keyId={k.id}
                        label={`${k.prefix}…${k.name ? ` (${k.name})` : ""}`}
                      />
                    )}
                  </Td>
                </tr>
              ))}
            </Table>
          )}
          <Pagination page={data.page} pageSize={data.pageSize} total={data.total} />
        </div>
        <Card title="New API key">
          <CreateApiKeyForm project={project} />
        </Card>
      </div>
    </>
  );
}
