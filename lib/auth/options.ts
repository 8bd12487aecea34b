import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import { safeCallbackPath } from "@/lib/shared/callback-url";
import { clientAddress } from "@/lib/auth/client-address";
import { checkCredentials } from "@/lib/auth/credentials";
import { endSessions, SessionEnded, sessionIsCurrent } from "@/lib/auth/session-version";
import { env } from "@/lib/config/env";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";
import { logger } from "@/lib/log/logger";
import { signInDirectoryUser } from "@/lib/auth/sso/onboard";
import { issueOnboardingTicket } from "@/lib/auth/sso/onboarding-ticket";
import { OIDC_PROVIDER_ID, oidcDirectoryProfile, oidcProvider, type OidcClaims } from "@/lib/auth/sso/oidc";
import { authConfig } from "@/lib/auth/sso/settings";

/** How long a session cookie lasts without being ended. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** What a session carries besides next-auth's own fields. */
type SessionUser = { id: string; sv?: number; src?: string; idt?: string };

/**
 * The sign-in endpoints' options: those of every request, with the OpenID provider when the
 * authentication mode is OIDC. Settings live in the database, so they are read per request.
 */
export async function signInOptions(): Promise<NextAuthOptions> {
  const config = await authConfig();
  if (config.mode !== "oidc" || !config.oidc.endpoint || !config.oidc.clientId) return authOptions();
  return authOptions([oidcProvider(config.oidc)]);
}

/**
 * The OIDC user's account here: found, onboarded (auto-onboard), or sent to the onboarding page to
 * choose a user name. A string answer is where next-auth sends the browser instead of signing in.
 */
async function completeOidcSignIn(user: SessionUser, claims: OidcClaims, idToken?: string): Promise<true | string> {
  const config = await authConfig();
  if (config.mode !== "oidc") return "/login?error=OidcDisabled";
  const profile = oidcDirectoryProfile(config.oidc, claims);
  if (!profile) return "/login?error=OidcProfile";
  const result = await signInDirectoryUser(profile, { onboard: config.oidc.autoOnboard });
  if (result.ok) {
    user.id = String(result.user.id);
    user.sv = result.user.sessionVersion;
    user.src = OIDC_PROVIDER_ID;
    if (config.oidc.logout && idToken) user.idt = idToken;
    return true;
  }
  if (result.reason === "disabled") return "/login?error=AccountDisabled";
  // No account yet (or the suggested name is unusable or taken): the person chooses a name.
  return `/login/onboard?ticket=${issueOnboardingTicket(profile)}`;
}

export function authOptions(extraProviders: Provider[] = []): NextAuthOptions {
  return {
    secret: instanceSecrets().authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // next-auth makes cookies Secure (and __Secure-/__Host- prefixed) when NEXTAUTH_URL is https.
    // Behind a TLS proxy NEXTAUTH_URL may be the internal http address (or unset with a plain
    // `next start`): an https EXTERNAL_URL, what users open, decides as well.
    ...(env().EXTERNAL_URL?.startsWith("https://") ? { useSecureCookies: true } : {}),
    // Errors of the OIDC flow (a refused token, an unreachable provider) are shown on the sign-in page.
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Harbor Notifier",
        credentials: {
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          if (!credentials?.username || !credentials.password) return null;
          const client = clientAddress((req?.headers ?? {}) as Record<string, string>);
          const result = await checkCredentials(credentials.username, credentials.password, client);
          if (!result.ok) {
            // next-auth passes the message to the sign-in page as ?error=
            if (result.reason === "rate_limited") throw new Error("TooManyAttempts");
            if (result.reason === "disabled") throw new Error("AccountDisabled");
            if (result.reason === "unavailable") throw new Error("DirectoryUnavailable");
            if (result.reason === "name_taken") throw new Error("NameTaken");
            return null;
          }
          return { id: String(result.user.id), name: result.user.username, sv: result.user.sessionVersion };
        },
      }),
      ...extraProviders,
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        return completeOidcSignIn(user as SessionUser, (profile ?? {}) as OidcClaims, account.id_token);
      },
      async jwt({ token, user }) {
        if (user) {
          const u = user as SessionUser;
          token.uid = Number(u.id);
          token.sv = u.sv ?? 0;
          if (u.src) token.src = u.src;
          if (u.idt) token.idt = u.idt;
          return token;
        }
        // Every use of a session asks the database whether it still holds: a copied cookie stops
        // working once its user signed out, changed password, or was disabled, reset or deleted.
        if (!(await sessionIsCurrent(token.uid, token.sv))) throw new SessionEnded();
        return token;
      },
      session({ session, token }) {
        (session as { uid?: number }).uid = token.uid as number | undefined;
        return session;
      },
      /** Only paths on this site after sign-in and sign-out (next-auth's own check lets `/\host` through). */
      redirect({ url, baseUrl }) {
        return new URL(safeCallbackPath(url, { baseUrl, fallback: "/" }), baseUrl).toString();
      },
    },
    events: {
      /** Signing out ends the session everywhere: the cookie, copied or not, no longer signs anyone in. */
      async signOut({ token }) {
        if (token && (await sessionIsCurrent(token.uid, token.sv))) await endSessions(token.uid as number);
      },
    },
    logger: {
      error(code, metadata) {
        // An ended session is answered as "no session" (the cookie is cleared): not an error.
        if (metadata instanceof SessionEnded) return;
        const message = metadata instanceof Error ? metadata.message : undefined;
        logger.warn({ code, message: message?.slice(0, 200) }, "next-auth error");
      },
      warn(code) {
        logger.warn({ code }, "next-auth warning");
      },
      debug() {},
    },
  };
}
