/**
 * Signing out of an OIDC session (Harbor's oidc logout): the session ends here as next-auth's
 * sign-out ends it, then the browser goes to the provider's end_session_endpoint with the ID token
 * as hint, which ends the provider's session and comes back to the sign-in page.
 */
import type { NextRequest } from "next/server";
import { decode } from "next-auth/jwt";
import { endSessions, sessionIsCurrent } from "@/lib/auth/session-version";
import { discoveryUrl } from "@/lib/auth/sso/oidc";
import { authConfig } from "@/lib/auth/sso/settings";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";
import { logger } from "@/lib/log/logger";
import { getDb } from "@/lib/db/client";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** Ends the request's session; answers where to send the browser next. */
export async function endOidcSession(req: NextRequest, baseUrl: string): Promise<string> {
  const signInPage = new URL("/login", baseUrl).toString();
  const cookie = SESSION_COOKIES.map((n) => req.cookies.get(n)?.value).find(Boolean);
  const token = cookie ? await decode({ token: cookie, secret: instanceSecrets().authSecret }).catch(() => null) : null;
  if (!token) return signInPage;
  if (await sessionIsCurrent(token.uid, token.sv)) await endSessions(token.uid as number);
  const { mode, oidc } = await authConfig();
  if (mode !== "oidc" || !oidc.logout || typeof token.idt !== "string") return signInPage;
  try {
    const res = await fetch(discoveryUrl(oidc.endpoint), { signal: AbortSignal.timeout(5_000), redirect: "error" });
    const { end_session_endpoint: end } = (await res.json()) as { end_session_endpoint?: string };
    if (!end) return signInPage;
    const url = new URL(end);
    url.searchParams.set("id_token_hint", token.idt);
    url.searchParams.set("post_logout_redirect_uri", signInPage);
    url.searchParams.set("client_id", oidc.clientId);
    return url.toString();
  } catch (err) {
    logger.warn(
      { detail: (err as Error).message?.slice(0, 200) },
      "OIDC logout: the provider's metadata could not be read",
    );
    return signInPage;
  }
}

/** Whether signing this user out goes through the provider too (an OIDC user, logout on). */
export async function signsOutAtProvider(userId: number): Promise<boolean> {
  const { mode, oidc } = await authConfig();
  if (mode !== "oidc" || !oidc.logout) return false;
  const db = await getDb();
  const identity = await db.userIdentity.findUnique({ where: { userId }, select: { source: true } });
  return identity?.source === "oidc";
}
