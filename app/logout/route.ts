import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { endOidcSession, SESSION_COOKIES } from "@/lib/auth/sso/logout";
import { env } from "@/lib/config/env";

/**
 * POST /logout: signs an OIDC user out here and at their provider (when "sign out of the provider
 * too" is on). Answers `{url}`, where the header's Sign out sends the browser next (a script
 * navigation: the pages' CSP allows form posts, and their redirects, to this site only); the
 * session cookie is cleared either way.
 */
export const POST = apiRoute({ flavor: "v1", permission: "public" }, async ({ req }) => {
  const base = env().NEXTAUTH_URL ?? env().EXTERNAL_URL ?? req.nextUrl.origin;
  const res = NextResponse.json({ url: await endOidcSession(req, base) });
  for (const name of SESSION_COOKIES)
    res.cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__") });
  return res;
});
