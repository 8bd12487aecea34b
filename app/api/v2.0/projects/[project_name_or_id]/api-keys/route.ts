import { NextResponse } from "next/server";
import { parseWith, readJson } from "@/lib/api/route";
import { requireProject } from "@/lib/auth/access";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/api-keys/service";
import { toHarborApiKey } from "@/lib/harbor-api/mappers";
import { created, harborRoute, type ProjectParams } from "@/lib/harbor-api/route-helpers";

/** GET /api/v2.0/projects/{p}/api-keys (project admin): the keys, never the keys themselves. */
export const GET = harborRoute<ProjectParams>(async ({ params, actor }) => {
  const { project } = await requireProject(actor, params.project_name_or_id, "apiKeys.manage");
  const keys = await listApiKeys(project.id);
  return NextResponse.json(keys.map(toHarborApiKey));
});

/** POST /api/v2.0/projects/{p}/api-keys `{mode: "live"|"test", name?}` → 201; the key is shown only here. */
export const POST = harborRoute<ProjectParams>(async ({ req, params, actor }) => {
  const { project } = await requireProject(actor, params.project_name_or_id, "apiKeys.manage");
  const input = parseWith(createApiKeySchema, await readJson(req));
  const { key, row } = await createApiKey(actor, project, input);
  return created(req, row.id, {
    id: row.id,
    name: row.name,
    key,
    mode: row.mode,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
  });
});
