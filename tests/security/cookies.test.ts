// The session cookie: HttpOnly and SameSite=Lax always; Secure with the __Secure- prefix whenever
// users reach the app over https (NEXTAUTH_URL, or EXTERNAL_URL behind a TLS proxy). Signs in
// through next-auth's own handler with the app's options.
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { resetEnvCache } from "@/lib/config/env";
import { makeUser } from "../helpers/fixtures";

/** next-auth's framework-neutral handler (not in its package exports, so required by path). */
type AuthResponse = { body?: unknown; cookies?: unknown[] };
const { AuthHandler } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/index.js")) as {
  AuthHandler(params: { req: Request; options: ReturnType<typeof authOptions> }): Promise<AuthResponse>;
};

type Cookie = {
  name: string;
  value: string;
  options: { httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string };
};

const saved = { NEXTAUTH_URL: process.env.NEXTAUTH_URL, EXTERNAL_URL: process.env.EXTERNAL_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});

async function signIn(env: { NEXTAUTH_URL: string; EXTERNAL_URL?: string }): Promise<Cookie[]> {
  process.env.NEXTAUTH_URL = env.NEXTAUTH_URL;
  if (env.EXTERNAL_URL) process.env.EXTERNAL_URL = env.EXTERNAL_URL;
  else delete process.env.EXTERNAL_URL;
  resetEnvCache();
  const { user } = await makeUser({ password: "cookie-password-1" });
  const base = env.NEXTAUTH_URL;
  const csrf = await AuthHandler({ req: new Request(`${base}/api/auth/csrf`), options: authOptions() });
  const csrfCookie = (csrf.cookies as Cookie[]).find((c) => c.name.endsWith("next-auth.csrf-token"))!;
  const { csrfToken } = csrf.body as { csrfToken: string };
  // next-auth's web-Request path reads a JSON body (the browser's form post arrives through Next's adapter).
  const body = JSON.stringify({
    csrfToken,
    username: user.username,
    password: "cookie-password-1",
    json: "true",
    callbackUrl: `${base}/projects`,
  });
  const res = await AuthHandler({
    req: new Request(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", cookie: `${csrfCookie.name}=${csrfCookie.value}` },
    }),
    options: authOptions(),
  });
  return res.cookies as Cookie[];
}

const session = (cookies: Cookie[]) => cookies.find((c) => c.name.endsWith("next-auth.session-token"));

describe("session cookie", () => {
  it("plain http: next-auth.session-token, HttpOnly, SameSite=Lax, not Secure", async () => {
    const c = session(await signIn({ NEXTAUTH_URL: "http://127.0.0.1:3000" }));
    expect(c).toMatchObject({
      name: "next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/" },
    });
    expect(c!.options.secure).toBeFalsy();
  });

  it("https: __Secure-next-auth.session-token, HttpOnly, SameSite=Lax, Secure", async () => {
    const c = session(await signIn({ NEXTAUTH_URL: "https://notifier.example" }));
    expect(c).toMatchObject({
      name: "__Secure-next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", secure: true },
    });
  });

  it("behind a TLS proxy (NEXTAUTH_URL internal http, EXTERNAL_URL https): Secure as well", async () => {
    const c = session(await signIn({ NEXTAUTH_URL: "http://10.0.0.5:3000", EXTERNAL_URL: "https://notifier.example" }));
    expect(c).toMatchObject({
      name: "__Secure-next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", secure: true },
    });
  });
});
