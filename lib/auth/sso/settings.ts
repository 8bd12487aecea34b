/**
 * How users sign in (Harbor's auth_mode with its oidc_* and ldap_* settings): the AuthSettings row,
 * with each field overridable by an environment variable for unattended deployments. Secrets are
 * stored encrypted (lib/crypto/secret-box.ts) and never answered back.
 */
import { env, type Env } from "@/lib/config/env";
import { decryptOptional } from "@/lib/crypto/secret-box";
import { getDb, type Tx } from "@/lib/db/client";
import type { AuthSettings } from "@/lib/generated/sqlite/client";

export const AUTH_MODES = ["db", "oidc", "ldap"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const AUTH_MODE_LABELS: Record<AuthMode, string> = {
  db: "Database",
  oidc: "OIDC",
  ldap: "LDAP",
};

export function isAuthMode(v: unknown): v is AuthMode {
  return typeof v === "string" && (AUTH_MODES as readonly string[]).includes(v);
}

/** The local account that signs in with its password in every mode (break-glass). */
export const BREAK_GLASS_USERNAME = "admin";

export type OidcConfig = {
  name: string;
  endpoint: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  verifyCert: boolean;
  userClaim: string;
  groupsClaim: string;
  adminGroup: string;
  autoOnboard: boolean;
  logout: boolean;
};

export type LdapConfig = {
  url: string;
  verifyCert: boolean;
  searchDn: string;
  searchPassword: string;
  baseDn: string;
  filter: string;
  uid: string;
  scope: 0 | 1 | 2;
  groupBaseDn: string;
  groupFilter: string;
  groupAttributeName: string;
  groupAdminDn: string;
  groupMembershipAttribute: string;
};

export type AuthConfig = {
  mode: AuthMode;
  oidc: OidcConfig;
  ldap: LdapConfig;
  /** the settings that environment variables fix (the settings page shows them read-only) */
  fromEnv: string[];
};

/** Settings field → environment variable; the value there wins over the row's. */
export const ENV_OVERRIDES = {
  authMode: "AUTH_MODE",
  oidcName: "OIDC_NAME",
  oidcEndpoint: "OIDC_ENDPOINT",
  oidcClientId: "OIDC_CLIENT_ID",
  oidcClientSecret: "OIDC_CLIENT_SECRET",
  oidcScope: "OIDC_SCOPE",
  oidcVerifyCert: "OIDC_VERIFY_CERT",
  oidcUserClaim: "OIDC_USER_CLAIM",
  oidcGroupsClaim: "OIDC_GROUPS_CLAIM",
  oidcAdminGroup: "OIDC_ADMIN_GROUP",
  oidcAutoOnboard: "OIDC_AUTO_ONBOARD",
  oidcLogout: "OIDC_LOGOUT",
  ldapUrl: "LDAP_URL",
  ldapVerifyCert: "LDAP_VERIFY_CERT",
  ldapSearchDn: "LDAP_SEARCH_DN",
  ldapSearchPassword: "LDAP_SEARCH_PASSWORD",
  ldapBaseDn: "LDAP_BASE_DN",
  ldapFilter: "LDAP_FILTER",
  ldapUid: "LDAP_UID",
  ldapScope: "LDAP_SCOPE",
  ldapGroupBaseDn: "LDAP_GROUP_BASE_DN",
  ldapGroupFilter: "LDAP_GROUP_FILTER",
  ldapGroupAttributeName: "LDAP_GROUP_ATTRIBUTE_NAME",
  ldapGroupAdminDn: "LDAP_GROUP_ADMIN_DN",
  ldapGroupMembershipAttribute: "LDAP_GROUP_MEMBERSHIP_ATTRIBUTE",
} as const satisfies Record<string, keyof Env>;
export type AuthField = keyof typeof ENV_OVERRIDES;

/** The auth settings row, created with the defaults on first use. */
export async function getAuthSettingsRow(tx?: Tx): Promise<AuthSettings> {
  const db = tx ?? (await getDb());
  const row = await db.authSettings.findUnique({ where: { id: 1 } });
  return row ?? db.authSettings.upsert({ where: { id: 1 }, update: {}, create: { id: 1 } });
}

/** The effective configuration: the row, with environment variables on top. */
export async function authConfig(tx?: Tx): Promise<AuthConfig> {
  return resolveAuthConfig(await getAuthSettingsRow(tx), env());
}

export function resolveAuthConfig(row: AuthSettings, e: Env): AuthConfig {
  const fromEnv = (Object.keys(ENV_OVERRIDES) as AuthField[]).filter((f) => e[ENV_OVERRIDES[f]] !== undefined);
  const pick = <T>(field: AuthField, stored: T): T => (e[ENV_OVERRIDES[field]] as T | undefined) ?? stored;
  const scope = Number(pick("ldapScope", String(row.ldapScope)));
  const mode = pick("authMode", row.authMode);
  return {
    mode: isAuthMode(mode) ? mode : "db",
    oidc: {
      name: pick("oidcName", row.oidcName) || "OIDC",
      endpoint: pick("oidcEndpoint", row.oidcEndpoint).replace(/\/+$/, ""),
      clientId: pick("oidcClientId", row.oidcClientId),
      clientSecret: pick("oidcClientSecret", decryptOptional(row.oidcClientSecretEnc) ?? ""),
      scope: pick("oidcScope", row.oidcScope),
      verifyCert: pick("oidcVerifyCert", row.oidcVerifyCert),
      userClaim: pick("oidcUserClaim", row.oidcUserClaim),
      groupsClaim: pick("oidcGroupsClaim", row.oidcGroupsClaim),
      adminGroup: pick("oidcAdminGroup", row.oidcAdminGroup),
      autoOnboard: pick("oidcAutoOnboard", row.oidcAutoOnboard),
      logout: pick("oidcLogout", row.oidcLogout),
    },
    ldap: {
      url: pick("ldapUrl", row.ldapUrl),
      verifyCert: pick("ldapVerifyCert", row.ldapVerifyCert),
      searchDn: pick("ldapSearchDn", row.ldapSearchDn),
      searchPassword: pick("ldapSearchPassword", decryptOptional(row.ldapSearchPasswordEnc) ?? ""),
      baseDn: pick("ldapBaseDn", row.ldapBaseDn),
      filter: pick("ldapFilter", row.ldapFilter),
      uid: pick("ldapUid", row.ldapUid) || "uid",
      scope: scope === 0 || scope === 1 ? scope : 2,
      groupBaseDn: pick("ldapGroupBaseDn", row.ldapGroupBaseDn),
      groupFilter: pick("ldapGroupFilter", row.ldapGroupFilter),
      groupAttributeName: pick("ldapGroupAttributeName", row.ldapGroupAttributeName) || "cn",
      groupAdminDn: pick("ldapGroupAdminDn", row.ldapGroupAdminDn),
      groupMembershipAttribute: pick("ldapGroupMembershipAttribute", row.ldapGroupMembershipAttribute) || "memberof",
    },
    fromEnv,
  };
}

/** What the sign-in page needs to know (no secrets). */
export async function signInMode(): Promise<{ mode: AuthMode; oidcName: string }> {
  const config = await authConfig();
  return { mode: config.mode, oidcName: config.oidc.name };
}
