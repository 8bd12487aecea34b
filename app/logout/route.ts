import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { endOidcSession, SESSION_COOKIES } from "@/lib/auth/sso/logout";
import { env } from "@/lib/config/env";

/**
 * POST /logout: signs an OIDC user out here and at their provider (when "sign out of the provider
 * too" is on). A form post from the header's Sign out; the session cookie is cleared either way.
 */
export const POST = apiRoute({ flavor: "v1", permission: "public" }, async ({ req }) => {
  const base = env().NEXTAUTH_URL ?? env().EXTERNAL_URL ?? req.nextUrl.origin;
  const res = NextResponse.redirect(await endOidcSession(req, base), 303);
  for (const name of SESSION_COOKIES)
    res.cookies.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__") });
  return res;
});
