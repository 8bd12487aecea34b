import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { safeCallbackPath } from "@/lib/shared/callback-url";
import { clientAddress } from "@/lib/auth/client-address";
import { checkCredentials } from "@/lib/auth/credentials";
import { endSessions, SessionEnded, sessionIsCurrent } from "@/lib/auth/session-version";
import { env } from "@/lib/config/env";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";
import { logger } from "@/lib/log/logger";

/** How long a session cookie lasts without being ended. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export function authOptions(): NextAuthOptions {
  return {
    secret: instanceSecrets().authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // next-auth makes cookies Secure (and __Secure-/__Host- prefixed) when NEXTAUTH_URL is https.
    // Behind a TLS proxy NEXTAUTH_URL may be the internal http address (or unset with a plain
    // `next start`): an https EXTERNAL_URL, what users open, decides as well.
    ...(env().EXTERNAL_URL?.startsWith("https://") ? { useSecureCookies: true } : {}),
    pages: { signIn: "/login" },
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
            return null;
          }
          return { id: String(result.user.id), name: result.user.username, sv: result.user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = Number(user.id);
          token.sv = (user as { sv?: number }).sv ?? 0;
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
