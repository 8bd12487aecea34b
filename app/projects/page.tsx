import Link from "next/link";
import { requireUserPage } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects/service";
import { nameFilterParam } from "@/lib/shared/search-params";
import { Badge, Card, Clamp, EmptyState, PageHeader, Table, Td } from "@/components/ui";
import { CreateProjectForm } from "@/components/projects/create-project-form";
import { Pagination } from "@/components/pagination";
import { Time } from "@/components/ui/time";

const PAGE_SIZE = 20;

export const metadata = { title: "Projects" };

export default async function ProjectsPage({ searchParams }: { searchParams: Promise<{ page?: string; q?: string }> }) {
  const user = await requireUserPage();
  const sp = await searchParams;
  const page = Math.max(1, Number(sp.page) || 1);
  const { total, items } = await listProjects(user, { page, pageSize: PAGE_SIZE, name: nameFilterParam(sp) });
  return (
    <>
      <PageHeader
        title="Projects"
        subtitle="Each project is a registry namespace with its own members and webhook policies."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
        <div className="space-y-3">
          <form className="flex gap-2" role="search">
            <label htmlFor="q" className="sr-only">
              Filter projects by name
            </label>
            <input
              id="q"
              name="q"
              defaultValue={sp.q}
              placeholder="Filter by name"
              className="w-64 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
            />
          </form>
          {items.length === 0 ? (
            <EmptyState title={sp.q ? "No project matches this filter." : "No projects yet."}>
              {user.sysadmin
                ? "Create one to start sending webhooks for its repositories."
                : "Ask a system admin to add you to a project."}
            </EmptyState>
          ) : (
            <Table head={["Name", "Access", "Members", "Webhook policies", "Created"]} caption="Projects">
              {items.map((p) => (
                <tr key={p.id}>
                  <Td className="min-w-40 max-w-96">
                    <Link className="font-medium text-sky-800 hover:underline" href={`/projects/${p.name}`}>
                      <Clamp text={p.name} />
                    </Link>
                  </Td>
                  <Td>{p.public ? <Badge tone="blue">Public</Badge> : <Badge>Private</Badge>}</Td>
                  <Td>{p._count.members}</Td>
                  <Td>{p._count.policies}</Td>
                  <Td>
                    <Time date={p.createdAt} relative />
                  </Td>
                </tr>
              ))}
            </Table>
          )}
          <Pagination page={page} pageSize={PAGE_SIZE} total={total} params={{ q: sp.q }} />
        </div>
        {user.sysadmin && (
          <Card title="New project">
            <CreateProjectForm />
          </Card>
        )}
      </div>
    </>
  );
}
