import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/openapi/document";

/** GET /api/openapi.json: the OpenAPI 3.1 document of both APIs (public: it holds no data). */
export function GET(): Response {
  return NextResponse.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
