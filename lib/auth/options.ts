import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { checkCredentials } from "@/lib/auth/credentials";
import { env } from "@/lib/config/env";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";

export function authOptions(): NextAuthOptions {
  return {
    secret: instanceSecrets().authSecret,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
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
        async authorize(credentials) {
          if (!credentials?.username || !credentials.password) return null;
          const result = await checkCredentials(credentials.username, credentials.password);
          if (!result.ok) {
            // next-auth passes the message to the sign-in page as ?error=
            if (result.reason === "rate_limited") throw new Error("TooManyAttempts");
            if (result.reason === "disabled") throw new Error("AccountDisabled");
            return null;
          }
          return { id: String(result.user.id), name: result.user.username };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.uid = Number(user.id);
        return token;
      },
      session({ session, token }) {
        (session as { uid?: number }).uid = token.uid as number | undefined;
        return session;
      },
    },
  };
}
