import { cookies } from "next/headers";
import { decode, encode } from "next-auth/jwt";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/options";
import { instanceSecrets } from "@/lib/crypto/instance-secrets";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/**
 * Issues the current request's session cookie again at `sessionVersion` (for a server action):
 * after a password change the session that made it goes on while every other one has ended.
 */
export async function renewSessionCookie(sessionVersion: number): Promise<void> {
  let store: Awaited<ReturnType<typeof cookies>>;
  try {
    store = await cookies();
  } catch {
    return; // called outside a request (a script, a test): there is no cookie to renew
  }
  const name = SESSION_COOKIES.find((n) => store.get(n));
  if (!name) return;
  const secret = instanceSecrets().authSecret;
  const token = await decode({ token: store.get(name)!.value, secret });
  if (!token) return;
  const value = await encode({ token: { ...token, sv: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
  store.set(name, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: name.startsWith("__Secure-"),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}
