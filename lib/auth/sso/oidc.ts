/**
 * Signing in with an OpenID provider (Harbor's oidc_auth) through next-auth's OAuth support: the
 * provider is discovered from the issuer's /.well-known/openid-configuration, the flow checks
 * PKCE and state, and the ID token's signature, issuer, audience and expiry are verified by
 * openid-client before any claim is read.
 */
import https from "node:https";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { OidcConfig } from "@/lib/auth/sso/settings";
import type { DirectoryProfile } from "@/lib/auth/sso/onboard";

export const OIDC_PROVIDER_ID = "oidc";
/** The discovery, token and key requests give up after this long. */
const HTTP_TIMEOUT_MS = 5_000;
const insecureAgent = new https.Agent({ rejectUnauthorized: false });

export type OidcClaims = Record<string, unknown> & { sub?: string };

export function discoveryUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/** Scopes as Harbor writes them (comma-separated), as OAuth sends them (space-separated). */
export function scopeParam(scope: string): string {
  const list = scope
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.includes("openid")) list.unshift("openid");
  return list.join(" ");
}

export function oidcProvider(config: OidcConfig): OAuthConfig<OidcClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: discoveryUrl(config.endpoint),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: scopeParam(config.scope) } },
    idToken: true,
    checks: ["pkce", "state"],
    // A certificate the operator chose not to verify (a private CA); only for https issuers.
    httpOptions: {
      timeout: HTTP_TIMEOUT_MS,
      ...(config.verifyCert || !config.endpoint.startsWith("https:") ? {} : { agent: insecureAgent }),
    },
    profile(claims) {
      return { id: String(claims.sub ?? ""), name: claimText(claims, "name"), email: claimText(claims, "email") };
    },
  };
}

function claimText(claims: OidcClaims, name: string): string | undefined {
  const v = claims[name];
  return typeof v === "string" && v ? v : undefined;
}

/** The groups claim as a list (a provider may send one group as a string). */
export function claimGroups(claims: OidcClaims, groupsClaim: string): string[] {
  if (!groupsClaim) return [];
  const v = claims[groupsClaim];
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((g): g is string => typeof g === "string") : [];
}

/** What the ID token says about the user, as a directory profile. */
export function oidcDirectoryProfile(config: OidcConfig, claims: OidcClaims): DirectoryProfile | null {
  if (typeof claims.sub !== "string" || !claims.sub) return null;
  const groups = claimGroups(claims, config.groupsClaim);
  const username =
    (config.userClaim ? claimText(claims, config.userClaim) : undefined) ??
    claimText(claims, "preferred_username") ??
    claimText(claims, "name") ??
    "";
  return {
    source: "oidc",
    subject: claims.sub,
    username,
    email: claimText(claims, "email"),
    groups,
    admin: config.adminGroup ? groups.includes(config.adminGroup) : undefined,
  };
}
