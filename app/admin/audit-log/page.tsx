import { pageSysadmin } from "@/lib/auth/page-access";
import { auditPage } from "@/lib/harbor-api/audit-logs";
import { Clamp, EmptyState, PageHeader, Table, Td, inputClass } from "@/components/ui";
import { Pagination } from "@/components/pagination";
import { Time } from "@/components/ui/time";

const PAGE_SIZE = 50;

export const metadata = { title: "Audit log" };

/** A filter box's text as a fuzzy `q` term; the separators of Harbor's query language are dropped. */
const fuzzy = (key: string, value: string | undefined) => {
  const text = (value ?? "").replace(/[,=~[\]{}()\\]/g, "").trim();
  return text ? [`${key}=~${text}`] : [];
};

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<{ page?: string; operation?: string; username?: string }>;
}) {
  await pageSysadmin("settings.manage");
  const sp = await searchParams;
  const page = Math.max(1, Math.min(1_000_000, Math.floor(Number(sp.page)) || 1));
  const q = [...fuzzy("operation", sp.operation), ...fuzzy("username", sp.username)].join(",");
  const params = new URLSearchParams({ page: String(page), page_size: String(PAGE_SIZE), ...(q ? { q } : {}) });
  const { total, items } = await auditPage(params);
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change made by a person or an API key: who, when, what and on which resource. Secret values are never kept, only that they changed."
      />
      <div className="space-y-3">
        <form className="flex flex-wrap items-end gap-2" role="search">
          <label className="text-sm">
            <span className="block text-xs text-slate-600">Operation</span>
            <input name="operation" defaultValue={sp.operation} placeholder="policy.update" className={inputClass} />
          </label>
          <label className="text-sm">
            <span className="block text-xs text-slate-600">User or key</span>
            <input name="username" defaultValue={sp.username} placeholder="admin" className={inputClass} />
          </label>
          <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">
            Filter
          </button>
        </form>
        {items.length === 0 ? (
          <EmptyState title={q ? "No entry matches this filter." : "No changes recorded yet."} />
        ) : (
          <Table head={["Time", "User or key", "Operation", "Resource", "Project", "What changed"]} caption="Audit log">
            {items.map((e) => (
              <tr key={e.id}>
                <Td>
                  <Time date={new Date(e.op_time)} />
                </Td>
                <Td className="max-w-48">
                  <Clamp text={e.username} />
                </Td>
                <Td className="font-mono text-xs">{e.operation}</Td>
                <Td className="text-xs">
                  {e.resource_type} {e.resource}
                </Td>
                <Td>{e.project_id ?? "—"}</Td>
                <Td className="max-w-md font-mono text-xs">
                  <Clamp text={e.detail || "—"} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        <Pagination
          page={page}
          pageSize={PAGE_SIZE}
          total={total}
          params={{ operation: sp.operation, username: sp.username }}
        />
      </div>
    </>
  );
}
