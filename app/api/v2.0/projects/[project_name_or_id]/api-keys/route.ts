import { pagedJson, parsePaging } from "@/lib/api/pagination";
import { created } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/api-keys/service";
import { toHarborApiKey } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

const declaration = { flavor: "harbor", project: PROJECT_PARAM, permission: "apiKeys.manage" } as const;

/**
 * GET /api/v2.0/projects/{p}/api-keys?page=&page_size= (project admin): a page of the keys, newest
 * first, never the keys themselves; X-Total-Count and Link as every Harbor list.
 */
export const GET = apiRoute(declaration, async ({ req, access }) => {
  const paging = parsePaging(req.nextUrl.searchParams);
  const { total, items } = await listApiKeys(access.project.id, paging);
  return pagedJson(req, items.map(toHarborApiKey), paging, total);
});

/** POST /api/v2.0/projects/{p}/api-keys `{mode: "live"|"test", name?}` → 201; the key is shown only here. */
export const POST = apiRoute(declaration, async ({ req, access, body }) => {
  const { key, row } = await createApiKey(access, await body(createApiKeySchema));
  return created(req, row.id, {
    id: row.id,
    name: row.name,
    key,
    mode: row.mode,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
  });
});
