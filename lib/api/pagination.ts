import { NextResponse } from "next/server";
import { z } from "zod";
import { parseInput } from "@/lib/api/input";
import { MAX_ROW_ID } from "@/lib/ids";

/** Harbor's defaults: page 1, 10 per page, at most 100 per page. */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export type Paging = { page: number; pageSize: number };

const positiveInt = (max?: number) => {
  let n = z.coerce.number("must be a whole number").int("must be a whole number").min(1, "must be at least 1");
  if (max !== undefined) n = n.max(max, `must be at most ${max}`);
  return n;
};

const pagingSchema = z.object({
  // Bounded so the row offset stays an exact integer within both databases' range.
  page: positiveInt(MAX_ROW_ID).default(1),
  page_size: positiveInt(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

/** Reads `page` and `page_size`; out-of-range values are a 400 naming the parameter. */
export function parsePaging(params: URLSearchParams): Paging {
  const raw = { page: params.get("page") ?? undefined, page_size: params.get("page_size") ?? undefined };
  // An empty value means "not given", as Harbor's client libraries send `page=` for unset fields.
  const { page, page_size } = parseInput(pagingSchema, {
    page: raw.page === "" ? undefined : raw.page,
    page_size: raw.page_size === "" ? undefined : raw.page_size,
  });
  return { page, pageSize: page_size };
}

/** The SQL-style window of a page. */
export function pageWindow(paging: Paging): { skip: number; take: number } {
  return { skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize };
}

/** One page of an in-memory list (for lists the store returns whole, such as a project's members). */
export function sliceToPage<T>(items: readonly T[], paging: Paging): T[] {
  const { skip, take } = pageWindow(paging);
  return items.slice(skip, skip + take);
}

/**
 * Harbor's `Link` header: `<path?query>; rel="prev" , <path?query>; rel="next"`, keeping every
 * other query parameter of the request. Undefined when there is neither a previous nor a next page.
 */
export function paginationLink(url: URL, paging: Paging, total: number): string | undefined {
  const links: string[] = [];
  const at = (page: number) => {
    const q = new URLSearchParams(url.searchParams);
    q.set("page", String(page));
    q.set("page_size", String(paging.pageSize));
    return `${url.pathname}?${q}`;
  };
  // Same rules as Harbor's BaseAPI.Links: a previous page only while it still has items.
  if (paging.page > 1 && (paging.page - 1) * paging.pageSize < total)
    links.push(`<${at(paging.page - 1)}>; rel="prev"`);
  if (paging.page * paging.pageSize < total) links.push(`<${at(paging.page + 1)}>; rel="next"`);
  return links.length ? links.join(" , ") : undefined;
}

/** A JSON page with `X-Total-Count` and, when there are other pages, `Link`. */
export function pagedJson(req: { url: string }, items: unknown[], paging: Paging, total: number): NextResponse {
  const res = NextResponse.json(items);
  res.headers.set("X-Total-Count", String(total));
  const link = paginationLink(new URL(req.url), paging, total);
  if (link) res.headers.set("Link", link);
  return res;
}
