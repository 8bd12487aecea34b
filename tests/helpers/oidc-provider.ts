/**
 * A real, certified OpenID provider (node-oidc-provider) on a free loopback port, for the sign-in
 * tests: one confidential client, accounts with their claims (groups in the ID token), its
 * development login form (any password), consent granted up front, and RP-initiated logout. The
 * provider can be told to spoil the ID tokens it issues (wrong issuer, wrong audience, expired),
 * re-signed with its own key, so the relying party must refuse them on the claims alone.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

export type Tamper = "none" | "wrong-issuer" | "wrong-audience" | "expired";

export type LocalOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the next ID tokens are spoiled this way until set back to "none" */
  tamper: (mode: Tamper) => void;
  /** how many sign-ins (token exchanges) the provider answered */
  tokensIssued: () => number;
  stop: () => Promise<void>;
};

type Claims = Record<string, unknown>;

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

function generateRsaKey(): Promise<{ privateKey: crypto.KeyObject }> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (err, _publicKey, privateKey) =>
      err ? reject(err) : resolve({ privateKey }),
    ),
  );
}

export async function startOidcProvider(opts: {
  /** login → claims (sub is the login unless given) */
  accounts: Record<string, Claims>;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  clientId?: string;
  clientSecret?: string;
}): Promise<LocalOidcProvider> {
  const clientId = opts.clientId ?? "harbor-notifier";
  const clientSecret = opts.clientSecret ?? crypto.randomBytes(24).toString("hex");
  // RS256, the algorithm relying parties expect unless told otherwise (openid-client's default).
  const { privateKey } = await generateRsaKey();
  const kid = crypto.randomBytes(8).toString("hex");
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let mode: Tamper = "none";
  let issued = 0;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        post_logout_redirect_uris: opts.postLogoutRedirectUris ?? [],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [crypto.randomBytes(16).toString("hex")] },
    scopes: ["openid", "profile", "email", "groups"],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email"],
      groups: ["groups"],
    },
    // The claims of the granted scopes go into the ID token itself (Keycloak and Dex do the same).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      const claims = opts.accounts[id] ?? {};
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    // Consent is given up front: the tests are about the relying party, not the consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const session = ctx.oidc.session!;
      const client = ctx.oidc.client!;
      const grantId = session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
      grant.addOIDCScope("openid profile email groups");
      await grant.save();
      session.ensureClientContainer(client.clientId);
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  });
  provider.on("server_error", () => {});

  // After the token endpoint answers: spoil the ID token if told to, signed again with the real key.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== "/token" || ctx.method !== "POST" || ctx.status !== 200) return;
    issued += 1;
    const body = ctx.body as { id_token?: string } | undefined;
    if (mode === "none" || !body?.id_token) return;
    const [header, payload] = body.id_token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
    const now = Math.floor(Date.now() / 1000);
    if (mode === "wrong-issuer") claims.iss = "http://127.0.0.1:1/another-issuer";
    if (mode === "wrong-audience") claims.aud = "another-client";
    if (mode === "expired") Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
    const signature = crypto.sign("sha256", Buffer.from(signingInput), privateKey);
    ctx.body = { ...body, id_token: `${signingInput}.${base64url(signature)}` };
  });

  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    tamper: (m) => {
      mode = m;
    },
    tokensIssued: () => issued,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
