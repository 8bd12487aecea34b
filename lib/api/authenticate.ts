import type { NextRequest } from "next/server";
import { getServerSession } from "next-auth";
import { AppError, unauthorized } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { clientAddress, UNKNOWN_CLIENT } from "@/lib/auth/client-address";
import { checkCredentials, DISABLED_MESSAGE } from "@/lib/auth/credentials";
import { authOptions } from "@/lib/auth/options";
import { registryTokenLimiter } from "@/lib/auth/rate-limit";
import { getDb } from "@/lib/db/client";
import type { ConfigSnapshot } from "@/lib/db/config-cache";
import { isRegistryTokenValid } from "@/lib/settings/registry-token";

/**
 * Authenticates a request: API key (Bearer), HTTP Basic, or the browser session. `"key"` accepts
 * an API key only, `"session"` the browser session only.
 */
export async function authenticate(req: NextRequest, auth?: "key" | "session"): Promise<Actor> {
  const header = req.headers.get("authorization") ?? "";
  const [scheme, credential = ""] = header.split(/\s+/, 2);
  if (auth === "key" || (auth !== "session" && /^bearer$/i.test(scheme))) return authenticateKey(header);
  if (auth !== "session" && /^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const sep = decoded.indexOf(":");
    if (sep < 0) throw unauthorized("malformed Basic credentials");
    // OIDC users present their CLI secret (shown on their profile page) as the password.
    const result = await checkCredentials(decoded.slice(0, sep), decoded.slice(sep + 1), clientAddress(req.headers), {
      cliSecret: true,
    });
    if (!result.ok) {
      if (result.reason === "rate_limited") {
        throw new AppError(
          "rate_limited",
          "too many failed sign-ins; try again later",
          undefined,
          Math.ceil((result.retryAfterMs ?? 1000) / 1000),
        );
      }
      if (result.reason === "unavailable")
        throw new AppError("directory_unavailable", "the directory server cannot be reached; try again later");
      throw unauthorized(result.reason === "disabled" ? DISABLED_MESSAGE : "invalid user name or password");
    }
    return { kind: "user", userId: result.user.id, username: result.user.username, sysadmin: result.user.sysadmin };
  }
  const session = (await getServerSession(authOptions())) as { uid?: number } | null;
  if (session?.uid) {
    const user = await (await getDb()).user.findUnique({ where: { id: session.uid } });
    if (user && !user.disabledAt)
      return { kind: "user", userId: user.id, username: user.username, sysadmin: user.sysadmin };
  }
  throw unauthorized(auth === "session" ? "sign in first" : undefined);
}

/** An API key from the Authorization header (Bearer), or the 401 the /v1 API answers without one. */
export async function authenticateKey(
  authorization: string,
  config?: ConfigSnapshot,
): Promise<Extract<Actor, { kind: "apiKey" }>> {
  const [scheme, credential = ""] = authorization.split(/\s+/, 2);
  if (!/^bearer$/i.test(scheme))
    throw unauthorized("an API key is required: Authorization: Bearer hk_live_… or hk_test_…");
  const key = await authenticateApiKey(credential.trim(), config);
  if (!key) throw unauthorized("invalid or revoked API key");
  return key;
}

/**
 * The registry's notification token (POST /service/notifications): it grants that endpoint and
 * nothing else. A client that keeps presenting wrong tokens is answered 429 until its minute ends.
 */
export async function authenticateRegistry(
  req: { headers: { get(name: string): string | null } },
  config?: ConfigSnapshot,
): Promise<void> {
  const client = clientAddress(req.headers);
  // Without a known address (in-process calls) there is no client to tell apart.
  const counted = client !== UNKNOWN_CLIENT;
  const blocked = counted ? registryTokenLimiter.blockedFor(client) : 0;
  if (blocked > 0) throw tooManyBadTokens(blocked);
  const [scheme, token = ""] = (req.headers.get("authorization") ?? "").split(/\s+/, 2);
  if (!/^bearer$/i.test(scheme) || !(await isRegistryTokenValid(token.trim(), config))) {
    const wait = counted ? registryTokenLimiter.hit(client) : 0;
    if (wait > 0) throw tooManyBadTokens(wait);
    throw unauthorized("a valid registry notification token is required: Authorization: Bearer <token>");
  }
}

function tooManyBadTokens(waitMs: number) {
  return new AppError(
    "rate_limited",
    "too many requests with a wrong registry token from this address; try again later",
    undefined,
    Math.ceil(waitMs / 1000),
  );
}
