import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { requireProject } from "@/lib/auth/access";
import { listApiKeys, revokeApiKey } from "@/lib/api-keys/service";
import { toHarborApiKey } from "@/lib/harbor-api/mappers";
import { harborRoute, idParam, okEmpty, type ProjectParams } from "@/lib/harbor-api/route-helpers";

type Params = ProjectParams & { key_id: string };

/** GET /api/v2.0/projects/{p}/api-keys/{id} (project admin), without the key. */
export const GET = harborRoute<Params>(async ({ params, actor }) => {
  const { project } = await requireProject(actor, params.project_name_or_id, "apiKeys.manage");
  const id = idParam(params.key_id, "API key");
  const key = (await listApiKeys(project.id)).find((k) => k.id === id);
  if (!key) throw notFound("API key");
  return NextResponse.json(toHarborApiKey(key));
});

/** DELETE /api/v2.0/projects/{p}/api-keys/{id} (project admin): revokes the key at once. */
export const DELETE = harborRoute<Params>(async ({ params, actor }) => {
  const { project } = await requireProject(actor, params.project_name_or_id, "apiKeys.manage");
  await revokeApiKey(actor, project, idParam(params.key_id, "API key"));
  return okEmpty();
});
