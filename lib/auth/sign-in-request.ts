import { NextRequest } from "next/server";
import { invalid } from "@/lib/errors";
import { readCappedBody } from "@/lib/http/capped-body";
import { MAX_USERNAME_LENGTH } from "@/lib/auth/credentials";

/** next-auth's forms (sign-in, sign-out) are a few hundred bytes; anything this large is not one. */
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;

/**
 * What reaches next-auth: a POST body of at most MAX_SIGN_IN_BODY_BYTES (Content-Length checked
 * first, then counted while it streams in) and a user name of at most MAX_USERNAME_LENGTH
 * characters. Refused before anything is looked up or kept in memory; the answer is a new request
 * with the body read, since the original's stream is used up.
 */
export async function guardSignInRequest(req: NextRequest): Promise<NextRequest> {
  if (req.method !== "POST") return req;
  const body = await readCappedBody(req, MAX_SIGN_IN_BODY_BYTES);
  const mediaType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  const fields =
    mediaType === "application/json" ? jsonFields(body) : new URLSearchParams(Buffer.from(body).toString("utf8"));
  const username = fields.get("username");
  if (username && username.length > MAX_USERNAME_LENGTH)
    throw invalid("username", `username: at most ${MAX_USERNAME_LENGTH} characters`);
  const bytes = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  return new NextRequest(req.url, { method: req.method, headers: req.headers, body: bytes });
}

function jsonFields(body: Uint8Array): { get(name: string): string | null } {
  try {
    const value = JSON.parse(Buffer.from(body).toString("utf8")) as Record<string, unknown>;
    return { get: (name) => (typeof value?.[name] === "string" ? (value[name] as string) : null) };
  } catch {
    return { get: () => null };
  }
}
