import { AppError } from "@/lib/errors";
import { parsePaging, pagedJson, sliceToPage } from "@/lib/api/pagination";
import { created } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { harborProjectInputSchema } from "@/lib/harbor-api/inputs";
import { toHarborProject } from "@/lib/harbor-api/mappers";
import { checkQuery, parseQuery, parseSort } from "@/lib/harbor-api/query";
import { memberRoles } from "@/lib/harbor-api/route-helpers";
import { createProject, findVisibleProjectByName, listProjects } from "@/lib/projects/service";

/**
 * GET /api/v2.0/projects: the projects the caller can see (`name` or `q=name=~x` filters, paged).
 * Any signed-in caller; what it sees is decided by the query (visibleProjectsWhere).
 */
export const GET = apiRoute({ flavor: "harbor", permission: "signed-in" }, async ({ req, actor }) => {
  const params = req.nextUrl.searchParams;
  const paging = parsePaging(params);
  const terms = parseQuery(params.get("q"));
  checkQuery(terms, { name: ["exact", "fuzzy"] });
  for (const s of parseSort(params.get("sort"), ["name"])) {
    if (s.desc) throw new AppError("validation_error", "sort: projects are listed by name, ascending", "sort");
  }
  const q = terms.get("name");
  let total: number;
  let items: { id: number; name: string; public: boolean; createdAt: Date; updatedAt: Date }[];
  if (q?.kind === "exact") {
    // Project names are unique: an exact match is one project or none.
    const one = await findVisibleProjectByName(actor, q.value);
    const all = one ? [one] : [];
    total = all.length;
    items = sliceToPage(all, paging);
  } else {
    // Harbor's `name` parameter is a fuzzy match too.
    const name = q?.kind === "fuzzy" ? q.value : params.get("name") || undefined;
    ({ total, items } = await listProjects(actor, { page: paging.page, pageSize: paging.pageSize, name }));
  }
  const roles = await memberRoles(
    actor,
    items.map((p) => p.id),
  );
  return pagedJson(
    req,
    items.map((p) => toHarborProject(p, roles.get(p.id))),
    paging,
    total,
  );
});

/** POST /api/v2.0/projects: a system admin creates a project (Harbor's ProjectReq). */
export const POST = apiRoute({ flavor: "harbor", system: "project.create" }, async ({ req, system, body }) => {
  const project = await createProject(system, await body(harborProjectInputSchema));
  // Harbor's X-Resource-Name-In-Location: true asks for the name instead of the id.
  const byName = req.headers.get("x-resource-name-in-location") === "true";
  return created(req, byName ? project.name : project.id);
});
