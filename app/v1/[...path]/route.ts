import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/api/route";

/** Unknown /v1 paths answer in the API's error shape, not with the HTML 404 page. */
const unknownRoute = apiRoute({ flavor: "v1", permission: "public" }, async () => {
  throw new AppError("not_found", "no such API route; see /api/openapi.json");
});

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
