/**
 * Changing how users sign in (System settings › Authentication). The mode can change only while
 * no local user other than `admin` exists (as in Harbor: their accounts would clash with the
 * directory's), and secrets are write-only: empty keeps the stored one, "-" removes it.
 */
import { z } from "zod";
import type { SystemAccess } from "@/lib/auth/access";
import { recordAudit } from "@/lib/audit/record";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log/logger";
import { atMostChars, enter, TRUE_OR_FALSE } from "@/lib/shared/input-rules";
import type { AuthSettingsView } from "@/lib/shared/auth-settings-fields";
import { AUTH_MODES, BREAK_GLASS_USERNAME, ENV_OVERRIDES, authConfig, type AuthField } from "@/lib/auth/sso/settings";

const line = (what: string, max = 1024) =>
  z
    .string(enter(what))
    .trim()
    .max(max, atMostChars(max))
    .refine((v) => !/[\r\n\0]/.test(v), "Put it on one line, without line breaks.");

const url = (what: string, protocols: RegExp, example: string) =>
  line(what, 2048).refine((v) => {
    if (v === "") return true;
    try {
      return protocols.test(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `Enter a URL such as ${example}, or leave it empty.`);

const attributeName = (what: string) =>
  line(what, 128).refine(
    (v) => v === "" || /^[A-Za-z][A-Za-z0-9-]*$/.test(v),
    "Enter an attribute name such as uid or sAMAccountName.",
  );

const filter = (what: string) =>
  line(what, 1024).refine(
    (v) => v === "" || (v.split("(").length === v.split(")").length && !/^\)/.test(v)),
    "Enter an LDAP filter such as (objectClass=person); its parentheses must match.",
  );

/** Every field is optional: a form without a section keeps what is stored. */
export const authSettingsInputSchema = z.object({
  authMode: z.enum(AUTH_MODES, "Choose database, OIDC or LDAP.").optional(),
  oidcName: line("the provider name", 64).optional(),
  oidcEndpoint: url("the issuer URL", /^https?:$/, "https://keycloak.example.com/realms/acme").optional(),
  oidcClientId: line("the client id", 255).optional(),
  oidcClientSecret: line("the client secret", 1024).optional(),
  oidcScope: line("the scopes", 512).optional(),
  oidcVerifyCert: z.boolean(TRUE_OR_FALSE).optional(),
  oidcUserClaim: line("the user claim", 128).optional(),
  oidcGroupsClaim: line("the groups claim", 128).optional(),
  oidcAdminGroup: line("the admin group", 255).optional(),
  oidcAutoOnboard: z.boolean(TRUE_OR_FALSE).optional(),
  oidcLogout: z.boolean(TRUE_OR_FALSE).optional(),
  ldapUrl: url("the LDAP URL", /^ldaps?:$/, "ldaps://ldap.example.com:636").optional(),
  ldapVerifyCert: z.boolean(TRUE_OR_FALSE).optional(),
  ldapSearchDn: line("the search DN").optional(),
  ldapSearchPassword: line("the search password").optional(),
  ldapBaseDn: line("the base DN").optional(),
  ldapFilter: filter("the user filter").optional(),
  ldapUid: attributeName("the UID attribute").optional(),
  ldapScope: z.coerce
    .number<string | number>()
    .int()
    .min(0)
    .max(2, "Choose base (0), one level (1) or subtree (2).")
    .optional(),
  ldapGroupBaseDn: line("the group base DN").optional(),
  ldapGroupFilter: filter("the group filter").optional(),
  ldapGroupAttributeName: attributeName("the group name attribute").optional(),
  ldapGroupAdminDn: line("the admin group DN").optional(),
  ldapGroupMembershipAttribute: attributeName("the membership attribute").optional(),
});
export type AuthSettingsInput = z.infer<typeof authSettingsInputSchema>;

const SECRET_FIELDS = { oidcClientSecret: "oidcClientSecretEnc", ldapSearchPassword: "ldapSearchPasswordEnc" } as const;

/** Local users other than the break-glass admin: while any exists, the mode stays. */
export async function localUsersBlockingModeChange(): Promise<number> {
  const db = await getDb();
  return db.user.count({ where: { identity: null, username: { not: BREAK_GLASS_USERNAME } } });
}

export async function updateAuthSettings({ actor }: SystemAccess, input: AuthSettingsInput) {
  const current = await authConfig();
  // A field an environment variable sets cannot be changed here (the variable would win anyway).
  for (const field of Object.keys(input) as AuthField[]) {
    if (input[field] !== undefined && current.fromEnv.includes(field) && field !== "authMode")
      throw new AppError("validation_error", `${field}: set by ${ENV_OVERRIDES[field]}; change it there.`, field);
  }
  if (input.authMode && input.authMode !== current.mode) {
    if (current.fromEnv.includes("authMode"))
      throw new AppError("validation_error", "authMode: set by AUTH_MODE; change it there.", "authMode");
    const blocking = await localUsersBlockingModeChange();
    if (blocking > 0)
      throw new AppError(
        "conflict",
        `authMode: the authentication mode can change only while no local user other than ${BREAK_GLASS_USERNAME} exists (${blocking} do). Delete them first.`,
        "authMode",
      );
  }
  const { oidcClientSecret, ldapSearchPassword, ...plain } = input;
  const data: Record<string, unknown> = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const secrets = { oidcClientSecret, ldapSearchPassword };
  for (const [field, column] of Object.entries(SECRET_FIELDS)) {
    const v = secrets[field as keyof typeof secrets];
    if (v === "-") data[column] = null;
    else if (v) data[column] = encryptSecret(v);
  }
  const db = await getDb();
  await db.$transaction(async (tx) => {
    await tx.authSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
    await recordAudit(tx, actor, "settings.auth", {
      type: "settings",
      id: 1,
      detail: `authMode=${input.authMode ?? current.mode}`,
    });
  });
  // Secrets by name only.
  const fields = Object.keys(input).filter((f) => input[f as keyof AuthSettingsInput] !== undefined);
  logger.info(
    { by: actor.username, fields, authMode: input.authMode ?? current.mode },
    "authentication settings changed",
  );
}

/** The settings page's view of the authentication settings (no secret values). */
export async function authSettingsView(): Promise<AuthSettingsView> {
  const config = await authConfig();
  const { oidc, ldap } = config;
  return {
    values: {
      authMode: config.mode,
      oidcName: oidc.name,
      oidcEndpoint: oidc.endpoint,
      oidcClientId: oidc.clientId,
      oidcScope: oidc.scope,
      oidcVerifyCert: oidc.verifyCert,
      oidcUserClaim: oidc.userClaim,
      oidcGroupsClaim: oidc.groupsClaim,
      oidcAdminGroup: oidc.adminGroup,
      oidcAutoOnboard: oidc.autoOnboard,
      oidcLogout: oidc.logout,
      ldapUrl: ldap.url,
      ldapVerifyCert: ldap.verifyCert,
      ldapSearchDn: ldap.searchDn,
      ldapBaseDn: ldap.baseDn,
      ldapFilter: ldap.filter,
      ldapUid: ldap.uid,
      ldapScope: ldap.scope,
      ldapGroupBaseDn: ldap.groupBaseDn,
      ldapGroupFilter: ldap.groupFilter,
      ldapGroupAttributeName: ldap.groupAttributeName,
      ldapGroupAdminDn: ldap.groupAdminDn,
      ldapGroupMembershipAttribute: ldap.groupMembershipAttribute,
    },
    secretsSet: { oidcClientSecret: !!oidc.clientSecret, ldapSearchPassword: !!ldap.searchPassword },
    fromEnv: config.fromEnv,
    blockingUsers: await localUsersBlockingModeChange(),
  };
}
