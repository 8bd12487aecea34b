/**
 * The fields of System settings › Authentication, in the order the page shows them (client and
 * server share this list). Secrets are write-only: the page says whether one is set, never what.
 */
export type AuthFieldKind = "text" | "secret" | "bool" | "scope";
export type AuthFieldSpec = {
  name: string;
  label: string;
  hint: string;
  kind: AuthFieldKind;
  placeholder?: string;
};

export const OIDC_FIELDS: AuthFieldSpec[] = [
  {
    name: "oidcName",
    label: "Provider name",
    hint: "Shown on the sign-in button.",
    kind: "text",
    placeholder: "Keycloak",
  },
  {
    name: "oidcEndpoint",
    label: "OIDC endpoint (issuer)",
    hint: "The issuer URL; /.well-known/openid-configuration is read from it.",
    kind: "text",
    placeholder: "https://keycloak.example.com/realms/acme",
  },
  { name: "oidcClientId", label: "Client ID", hint: "The client registered at the provider.", kind: "text" },
  { name: "oidcClientSecret", label: "Client secret", hint: "Leave empty to keep the stored secret.", kind: "secret" },
  {
    name: "oidcScope",
    label: "Scopes",
    hint: "Comma-separated; openid is always asked for.",
    kind: "text",
    placeholder: "openid,profile,email",
  },
  {
    name: "oidcUserClaim",
    label: "User claim",
    hint: "The ID token claim that names the user; empty: preferred_username, then name.",
    kind: "text",
  },
  {
    name: "oidcGroupsClaim",
    label: "Groups claim",
    hint: "The ID token claim listing the user's groups.",
    kind: "text",
    placeholder: "groups",
  },
  { name: "oidcAdminGroup", label: "Admin group", hint: "Members of this group are system admins.", kind: "text" },
  {
    name: "oidcVerifyCert",
    label: "Verify the provider's certificate",
    hint: "Turn off only for a private CA.",
    kind: "bool",
  },
  {
    name: "oidcAutoOnboard",
    label: "Automatic onboarding",
    hint: "Create the account at the first sign-in; otherwise the user chooses a user name.",
    kind: "bool",
  },
  {
    name: "oidcLogout",
    label: "Sign out of the provider too",
    hint: "Signing out here ends the provider's session.",
    kind: "bool",
  },
];

export const LDAP_FIELDS: AuthFieldSpec[] = [
  {
    name: "ldapUrl",
    label: "LDAP URL",
    hint: "ldap:// or ldaps://, with the port when not the default.",
    kind: "text",
    placeholder: "ldaps://ldap.example.com",
  },
  {
    name: "ldapSearchDn",
    label: "Search DN",
    hint: "The account that looks users up; empty: anonymous.",
    kind: "text",
    placeholder: "cn=harbor,ou=services,dc=example,dc=com",
  },
  {
    name: "ldapSearchPassword",
    label: "Search password",
    hint: "Leave empty to keep the stored password.",
    kind: "secret",
  },
  {
    name: "ldapBaseDn",
    label: "Base DN",
    hint: "Where users are searched.",
    kind: "text",
    placeholder: "ou=people,dc=example,dc=com",
  },
  {
    name: "ldapFilter",
    label: "User filter",
    hint: "Only users matching it sign in, e.g. (objectClass=person).",
    kind: "text",
  },
  {
    name: "ldapUid",
    label: "UID attribute",
    hint: "The attribute holding the user name: uid, or sAMAccountName on AD.",
    kind: "text",
    placeholder: "uid",
  },
  { name: "ldapScope", label: "Search scope", hint: "How deep under the base DN users are searched.", kind: "scope" },
  {
    name: "ldapGroupBaseDn",
    label: "Group base DN",
    hint: "Where groups are searched; only groups under it count.",
    kind: "text",
  },
  { name: "ldapGroupFilter", label: "Group filter", hint: "e.g. (objectClass=groupOfNames).", kind: "text" },
  { name: "ldapGroupAttributeName", label: "Group name attribute", hint: "e.g. cn.", kind: "text", placeholder: "cn" },
  { name: "ldapGroupAdminDn", label: "Admin group DN", hint: "Members of this group are system admins.", kind: "text" },
  {
    name: "ldapGroupMembershipAttribute",
    label: "Group membership attribute",
    hint: "The user's attribute listing their groups (memberOf); without it the group base DN is searched.",
    kind: "text",
    placeholder: "memberof",
  },
  {
    name: "ldapVerifyCert",
    label: "Verify the server's certificate",
    hint: "ldaps:// only; turn off only for a private CA.",
    kind: "bool",
  },
];

export const LDAP_SCOPE_LABELS = { 0: "Base", 1: "One level", 2: "Subtree" } as const;

/** What the settings page shows: plain values, whether each secret is set, which fields env fixes. */
export type AuthSettingsView = {
  values: Record<string, string | number | boolean>;
  secretsSet: Record<string, boolean>;
  fromEnv: string[];
  /** local users other than admin: while any exists, the mode cannot change */
  blockingUsers: number;
};
