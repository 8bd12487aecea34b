// Sign-in and sessions under attack: oversized sign-in requests refused before any lookup, bounded
// throttling memory, per-(user, client) lockouts that a guesser cannot turn against the account's
// owner, a per-client bound on password verifications, open redirects after sign-in, sessions
// that end everywhere on sign-out and account changes, and wrong registry tokens throttled.
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async () => (await import("../helpers/session-mock")).nextAuthMock());

import * as nextAuthRoute from "@/app/api/auth/[...nextauth]/route";
import * as registry from "@/app/service/notifications/route";
import * as lockoutRoute from "@/app/api/v2.0/users/[user_id]/sign-in-lockout/route";
import { requireSystem } from "@/lib/auth/access";
import { PEER_ADDRESS_HEADER, clientAddress } from "@/lib/auth/client-address";
import { checkCredentials, MAX_USERNAME_LENGTH } from "@/lib/auth/credentials";
import { authOptions } from "@/lib/auth/options";
import {
  BAD_REGISTRY_TOKENS_PER_CLIENT,
  createRateLimiter,
  loginLimiter,
  SIGN_IN_FAILURES_PER_CLIENT,
} from "@/lib/auth/rate-limit";
import { SessionEnded } from "@/lib/auth/session-version";
import { VERIFICATIONS_PER_CLIENT, WAITING_VERIFICATIONS_PER_CLIENT } from "@/lib/auth/verification-slots";
import { resetEnvCache } from "@/lib/config/env";
import { safeCallbackPath } from "@/lib/shared/callback-url";
import {
  changeOwnPassword,
  clearSignInLockouts,
  deleteUser,
  recoverPassword,
  resetPassword,
  setUserDisabled,
} from "@/lib/users/service";
import { makeUser, uid } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { signedIn } from "../helpers/session-mock";
import { recordFigure } from "../reliability/figures";

const peer = () => `10.${(Math.random() * 250) | 0}.${(Math.random() * 250) | 0}.${(Math.random() * 250) | 0}`;
const SIGN_IN_PATH = "/api/auth/callback/credentials";
const postSignIn = (body: BodyInit, headers: Record<string, string> = {}) =>
  nextAuthRoute.POST(
    new NextRequest(`http://localhost${SIGN_IN_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
      duplex: "half",
    }),
    { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
  );

describe("oversized sign-in requests are refused before any lookup", () => {
  it("a 40 MB user name: 413 from Content-Length, and 413 while streaming without it, after reading at most 16 KiB + one chunk", async () => {
    const huge = `username=${"a".repeat(40 * 1024 * 1024)}&password=x`;
    const announced = await postSignIn(huge, { "content-length": String(huge.length) });
    expect(announced.status).toBe(413);
    expect(await announced.json()).toEqual({
      error: {
        code: "payload_too_large",
        field: "body",
        message: "request body exceeds the limit of 16384 bytes (16 KiB)",
      },
    });
    let sent = 0;
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await postSignIn(stream);
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it("a user name over 256 characters in a small body: 400 naming the field", async () => {
    const r = await postSignIn(`username=${"b".repeat(MAX_USERNAME_LENGTH + 1)}&password=x&csrfToken=x`);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: { code: "validation_error", field: "username", message: "username: at most 256 characters" },
    });
  });

  it("checkCredentials and HTTP Basic refuse an over-long name without a window, a lookup or a verification", async () => {
    const before = loginLimiter.size();
    const started = performance.now();
    for (let i = 0; i < 50; i++)
      expect(await checkCredentials(`${i}-${"c".repeat(40_000)}`, "x", peer())).toEqual({
        ok: false,
        reason: "invalid",
      });
    expect(loginLimiter.size()).toBe(before);
    // 50 argon2 verifications would take seconds.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("the limiter's memory is bounded: at most maxEntries windows, keys hashed past 96 characters", () => {
    const limiter = createRateLimiter({ limit: 10, windowMs: 60_000, maxEntries: 100 });
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 5_000; i++) limiter.hit(`${i}:${"d".repeat(40_000)}`);
    expect(limiter.size()).toBe(100);
    // 5,000 keys of 40 KB kept as they are would be 200 MB; hashed and bounded it is nothing.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
    // The least recently used window went first; a recently used one is still counted.
    limiter.hit("recent");
    for (let i = 0; i < 99; i++) limiter.hit(`filler-${i}`);
    expect(limiter.hit("recent")).toBe(0);
    expect(limiter.size()).toBe(100);
    expect(loginLimiter.maxEntries).toBeLessThanOrEqual(20_000);
  });
});

describe("lockouts are per (user, client): a guesser cannot lock the owner out", () => {
  it("10 wrong passwords from one client block that client only; the right password from another signs in", async () => {
    const { user } = await makeUser({ password: "right-password-9" });
    const attacker = peer();
    for (let i = 0; i < 10; i++) expect((await checkCredentials(user.username, `wrong-${i}`, attacker)).ok).toBe(false);
    expect(await checkCredentials(user.username, "right-password-9", attacker)).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
    expect(await checkCredentials(user.username, "right-password-9", peer())).toMatchObject({ ok: true });
  }, 60_000);

  it("X-Forwarded-For is believed only from TRUSTED_PROXIES; a client cannot pick a fresh address per guess", () => {
    const headers = (p: string, xff?: string) =>
      new Headers({ [PEER_ADDRESS_HEADER]: p, ...(xff ? { "x-forwarded-for": xff } : {}) });
    expect(clientAddress(headers("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.1" }))).toBe("unknown");
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, ::1";
    resetEnvCache();
    try {
      expect(clientAddress(headers("10.1.2.3", "198.51.100.1, 203.0.113.9"))).toBe("203.0.113.9");
      expect(clientAddress(headers("::1", "198.51.100.1, 10.9.9.9"))).toBe("198.51.100.1");
      expect(clientAddress(headers("::ffff:10.1.2.3"))).toBe("10.1.2.3");
      expect(clientAddress(headers("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
      process.env.TRUSTED_PROXIES = "10.0.0.0/33";
      resetEnvCache();
      expect(() => clientAddress(headers("10.1.2.3"))).toThrow(
        /TRUSTED_PROXIES: "10.0.0.0\/33" is not an address or CIDR/,
      );
    } finally {
      delete process.env.TRUSTED_PROXIES;
      resetEnvCache();
    }
  });

  it("a system admin clears a lockout (action and DELETE /api/v2.0/users/{id}/sign-in-lockout)", async () => {
    const { user } = await makeUser({ password: "right-password-8" });
    const { user: admin, actor } = await makeUser({ sysadmin: true });
    const client = peer();
    const lockOut = async () => {
      for (let i = 0; i < 10; i++) await checkCredentials(user.username, `wrong-${i}`, client);
      expect((await checkCredentials(user.username, "right-password-8", client)).ok).toBe(false);
    };
    await lockOut();
    await clearSignInLockouts(requireSystem(actor, "users.manage"), user.id);
    expect((await checkCredentials(user.username, "right-password-8", client)).ok).toBe(true);

    await lockOut();
    const path = `/api/v2.0/users/${user.id}/sign-in-lockout`;
    const params = { user_id: String(user.id) };
    signedIn.uid = user.id;
    expect((await call(lockoutRoute.DELETE, { path, method: "DELETE", params })).status).toBe(403);
    signedIn.uid = admin.id;
    expect((await call(lockoutRoute.DELETE, { path, method: "DELETE", params })).status).toBe(200);
    signedIn.uid = undefined;
    expect((await call(lockoutRoute.DELETE, { path, method: "DELETE", params })).status).toBe(401);
    expect((await checkCredentials(user.username, "right-password-8", client)).ok).toBe(true);
  }, 60_000);

  it("one client spraying many user names is stopped after 50 failures; other clients are not", async () => {
    const sprayer = peer();
    const { user } = await makeUser({ password: "right-password-7" });
    for (let i = 0; i < SIGN_IN_FAILURES_PER_CLIENT; i++)
      expect(await checkCredentials(`nobody-${uid()}`, "guess", sprayer)).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials(`nobody-${uid()}`, "guess", sprayer)).toMatchObject({ reason: "rate_limited" });
    expect((await checkCredentials(user.username, "right-password-7", peer())).ok).toBe(true);
  }, 120_000);

  it("password verifications per client are bounded: 2 at once, 8 waiting, the rest refused at once", async () => {
    const { user } = await makeUser({ password: "right-password-6" });
    const client = peer();
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => checkCredentials(user.username, "right-password-6", client)),
    );
    const verified = results.filter((r) => r.ok).length;
    expect(verified).toBe(VERIFICATIONS_PER_CLIENT + WAITING_VERIFICATIONS_PER_CLIENT);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(30 - verified);
    // Another client is not held up by the first one's queue.
    expect((await checkCredentials(user.username, "right-password-6", peer())).ok).toBe(true);
    recordFigure("sign-in: 30 concurrent verifications from one client", {
      verified,
      refusedAtOnce: 30 - verified,
      ms: Math.round(performance.now() - started),
    });
  }, 60_000);
});

describe("after sign-in the browser goes to a path on this site only", () => {
  const BASE = "http://notifier.example:3000";
  it.each([
    "//evil.example",
    "//evil.example/projects",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "%2F%2Fevil.example",
    "/.//evil.example",
    "/\t/evil.example",
    " //evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "https://evil.example//evil.example",
    "http://notifier.example:3000@evil.example/",
    "http://callback.invalid//evil.example",
    "http://notifier.example:3001/projects",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "projects",
  ])("%j falls back to the default", (hostile) => {
    expect(safeCallbackPath(hostile, { baseUrl: BASE })).toBe("/projects");
    expect(safeCallbackPath(hostile)).toBe("/projects");
    const redirect = authOptions().callbacks!.redirect!({ url: hostile, baseUrl: BASE }) as string;
    expect(new URL(redirect).origin).toBe(BASE);
    expect(new URL(redirect).pathname).toBe("/");
  });

  it.each([
    ["/projects/p-1/webhooks?tab=history#x", "/projects/p-1/webhooks?tab=history#x"],
    ["/admin/users", "/admin/users"],
    [`${"http://notifier.example:3000"}/projects/a`, "/projects/a"],
  ])("%j is kept as %j", (value, path) => {
    expect(safeCallbackPath(value, { baseUrl: BASE })).toBe(path);
    expect(authOptions().callbacks!.redirect!({ url: value, baseUrl: BASE })).toBe(`${BASE}${path}`);
  });
});

describe("sessions end on every node when the account changes", () => {
  type Token = Record<string, unknown>;
  const options = () => authOptions();
  /** What next-auth does at sign-in: authorize, then the jwt callback with the user. */
  async function signIn(username: string, password: string): Promise<Token> {
    const provider = options().providers[0] as unknown as {
      options: { authorize(c: Record<string, string>, req: unknown): Promise<{ id: string; sv: number } | null> };
    };
    const user = await provider.options.authorize({ username, password }, { headers: {} });
    return (await options().callbacks!.jwt!({ token: {}, user: user as never } as never)) as Token;
  }
  /** What next-auth does on every request with the cookie: the jwt callback with the decoded token. */
  const stillValid = async (token: Token) => {
    try {
      await options().callbacks!.jwt!({ token } as never);
      return true;
    } catch (e) {
      if (e instanceof SessionEnded) return false;
      throw e;
    }
  };

  it("sign-out ends the session (a copied cookie no longer works), other sign-ins too", async () => {
    const { user } = await makeUser({ password: "password-123" });
    const copied = await signIn(user.username, "password-123");
    const other = await signIn(user.username, "password-123");
    expect(await stillValid(copied)).toBe(true);
    await options().events!.signOut!({ token: other } as never);
    expect(await stillValid(copied)).toBe(false);
    expect(await stillValid(other)).toBe(false);
    const fresh = await signIn(user.username, "password-123");
    expect(await stillValid(fresh)).toBe(true);
  });

  it("a password change ends other sessions; reset, disable, recovery and delete end them all", async () => {
    const { user: admin, actor: adminActor } = await makeUser({ sysadmin: true });
    const system = requireSystem(adminActor, "users.manage");
    const { user, actor } = await makeUser({ password: "password-123" });
    let token = await signIn(user.username, "password-123");
    const { sessionVersion } = await changeOwnPassword(actor, "password-123", "password-456");
    expect(await stillValid(token)).toBe(false);
    // The session that made the change is issued again at the new version (lib/auth/session-cookie.ts).
    expect(await stillValid({ ...token, sv: sessionVersion })).toBe(true);

    token = await signIn(user.username, "password-456");
    await resetPassword(system, user.id, "password-789");
    expect(await stillValid(token)).toBe(false);

    token = await signIn(user.username, "password-789");
    await recoverPassword(user.username, "password-abc");
    expect(await stillValid(token)).toBe(false);

    token = await signIn(user.username, "password-abc");
    await setUserDisabled(system, user.id, true);
    expect(await stillValid(token)).toBe(false);
    await setUserDisabled(system, user.id, false);
    expect(await stillValid(token)).toBe(false);

    token = await signIn(user.username, "password-abc");
    await deleteUser(system, user.id);
    expect(await stillValid(token)).toBe(false);
    expect(admin.id).toBeGreaterThan(0);
  }, 60_000);
});

describe("wrong registry tokens are throttled per client", () => {
  it(`after ${BAD_REGISTRY_TOKENS_PER_CLIENT} wrong tokens in a minute: 429 with Retry-After; another client still gets 401`, async () => {
    const client = peer();
    const post = (from: string) =>
      call(registry.POST, {
        path: "/service/notifications",
        auth: `Bearer wrong-${uid()}`,
        body: { events: [] },
        headers: { [PEER_ADDRESS_HEADER]: from },
      });
    for (let i = 0; i < BAD_REGISTRY_TOKENS_PER_CLIENT; i++) expect((await post(client)).status).toBe(401);
    const limited = await post(client);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(peer())).status).toBe(401);
  });
});
