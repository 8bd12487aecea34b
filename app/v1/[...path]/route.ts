import { NextResponse } from "next/server";
import { errorBody } from "@/lib/api/route";

/** Unknown /v1 paths answer in the API's error shape, not with the HTML 404 page. */
function notFound(): Response {
  return NextResponse.json(errorBody("v1", "not_found", "no such API route; see /api/openapi.json"), { status: 404 });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
