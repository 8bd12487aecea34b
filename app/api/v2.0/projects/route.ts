import { AppError } from "@/lib/errors";
import { parsePaging, pagedJson, pageOf } from "@/lib/api/pagination";
import { readJson, parseWith } from "@/lib/api/route";
import { requireSystem, roleIn } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { harborProjectInputSchema } from "@/lib/harbor-api/inputs";
import { toHarborProject } from "@/lib/harbor-api/mappers";
import { checkQuery, parseQuery, parseSort } from "@/lib/harbor-api/query";
import { created, harborRoute, memberRoles } from "@/lib/harbor-api/route-helpers";
import { createProject, listProjects } from "@/lib/projects/service";

/** GET /api/v2.0/projects: the projects the caller can see (`name` or `q=name=~x` filters, paged). */
export const GET = harborRoute(async ({ req, actor }) => {
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
    // Project names are unique: an exact match is one project or none, if the caller may see it.
    const db = await getDb();
    const one = await db.project.findUnique({ where: { name: q.value } });
    const visible = one && (one.public && actor.kind === "user" ? true : (await roleIn(actor, one.id)) !== undefined);
    const all = one && visible ? [one] : [];
    total = all.length;
    items = pageOf(all, paging);
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
export const POST = harborRoute(async ({ req, actor }) => {
  requireSystem(actor, "project.create");
  const input = parseWith(harborProjectInputSchema, await readJson(req));
  const project = await createProject(actor, input);
  // Harbor's X-Resource-Name-In-Location: true asks for the name instead of the id.
  const byName = req.headers.get("x-resource-name-in-location") === "true";
  return created(req, byName ? project.name : project.id);
});
