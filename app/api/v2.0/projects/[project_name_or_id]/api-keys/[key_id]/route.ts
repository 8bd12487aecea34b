import { NextResponse } from "next/server";
import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { okEmpty } from "@/lib/api/responses";
import { apiRoute } from "@/lib/api/route";
import { findApiKey, revokeApiKey } from "@/lib/api-keys/service";
import { toHarborApiKey } from "@/lib/harbor-api/mappers";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

const declaration = { flavor: "harbor", project: PROJECT_PARAM, permission: "apiKeys.manage" } as const;

/** GET /api/v2.0/projects/{p}/api-keys/{id} (project admin), without the key. */
export const GET = apiRoute(declaration, async ({ params, access }) => {
  const id = rowIdOr404(params.key_id, "API key");
  const key = await findApiKey(access.project.id, id);
  if (!key) throw notFound("API key");
  return NextResponse.json(toHarborApiKey(key));
});

/** DELETE /api/v2.0/projects/{p}/api-keys/{id} (project admin): revokes the key at once. */
export const DELETE = apiRoute(declaration, async ({ params, access }) => {
  await revokeApiKey(access, rowIdOr404(params.key_id, "API key"));
  return okEmpty();
});
