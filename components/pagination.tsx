import Link from "next/link";
import { queryString } from "@/lib/shared/search-params";

/** Previous/next links that keep the other query parameters. */
export function Pagination({
  page,
  pageSize,
  total,
  params = {},
}: {
  page: number;
  pageSize: number;
  total: number;
  params?: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return total > 0 ? <p className="text-xs text-slate-500">{total} in total</p> : null;
  const href = (p: number) => queryString({ ...params, page: String(p) });
  return (
    <nav aria-label="Pagination" className="flex items-center gap-3 text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} className="text-sky-800 hover:underline">
          ← Previous
        </Link>
      ) : (
        <span className="text-slate-400">← Previous</span>
      )}
      <span className="text-slate-600">
        Page {page} of {pages} · {total} in total
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className="text-sky-800 hover:underline">
          Next →
        </Link>
      ) : (
        <span className="text-slate-400">Next →</span>
      )}
    </nav>
  );
}
