import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { openApiDocument } from "@/lib/openapi/document";

/** GET /api/openapi.json: the OpenAPI 3.1 document of both APIs (public: it holds no data). */
export const GET = apiRoute({ flavor: "v1", permission: "public" }, async () =>
  NextResponse.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }),
);
