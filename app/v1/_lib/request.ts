import type { NextRequest } from "next/server";
import { AppError, unauthorized } from "@/lib/errors";
import { readJson, MAX_JSON_BODY_BYTES } from "@/lib/api/route";
import type { Actor } from "@/lib/auth/actor";
import { requireProject } from "@/lib/auth/access";
import type { ProjectPermission } from "@/lib/auth/permissions";

/** application/json and any `+json` media type (the registry's envelope type among them). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

/**
 * The request's JSON body: a Content-Type that is not JSON answers 415, a body over the cap 413
 * (naming the limit), anything unparsable 400; `field` is "body" for all three.
 */
export async function readJsonBody(req: NextRequest, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const contentType = req.headers.get("content-type");
  const mediaType = contentType?.split(";")[0].trim() ?? "";
  if (mediaType && !JSON_MEDIA_TYPE.test(mediaType)) {
    throw new AppError(
      "unsupported_media_type",
      `Content-Type ${mediaType} is not accepted; send application/json`,
      "Content-Type",
    );
  }
  try {
    return await readJson(req, maxBytes);
  } catch (err) {
    if (err instanceof AppError && err.code === "payload_too_large") {
      throw new AppError(
        "payload_too_large",
        `request body exceeds the limit of ${maxBytes} bytes (${formatBytes(maxBytes)})`,
        "body",
      );
    }
    if (err instanceof AppError && !err.field) throw new AppError(err.code, err.message, "body");
    throw err;
  }
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** The API key behind a /v1 request and its project, with the permission checked. */
export async function keyProject(actor: Actor, permission: ProjectPermission) {
  if (actor.kind !== "apiKey") throw unauthorized("an API key is required");
  const { project } = await requireProject(actor, actor.projectId, permission);
  return { key: actor, project };
}

/** Query parameters as a plain object (the last value wins), for zod. */
export function queryOf(req: NextRequest): Record<string, string> {
  return Object.fromEntries(req.nextUrl.searchParams.entries());
}
