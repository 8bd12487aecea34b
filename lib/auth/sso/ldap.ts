/**
 * Signing in against LDAP / Active Directory (Harbor's ldap_auth): find the user with the search
 * account, bind as them with their own password, then read their groups (the membership attribute
 * of their entry, e.g. memberOf, or a search of the group base DN for groups naming them).
 */
import { Client, escapeFilter, InvalidCredentialsError, type Entry } from "ldapts";
import type { LdapConfig } from "@/lib/auth/sso/settings";
import { normalizeDn } from "@/lib/auth/sso/groups";
import type { DirectoryProfile } from "@/lib/auth/sso/onboard";
import { logger } from "@/lib/log/logger";

export type LdapCheck =
  { ok: true; profile: DirectoryProfile } | { ok: false; reason: "invalid" | "unavailable"; detail?: string };

const SCOPES = { 0: "base", 1: "one", 2: "sub" } as const;
/** Each directory call gives up after this long; a sign-in is never held by a slow server. */
const TIMEOUT_MS = 5_000;
/** A group search returns at most this many groups. */
const GROUP_LIMIT = 500;

export function ldapClient(config: Pick<LdapConfig, "url" | "verifyCert">): Client {
  return new Client({
    url: config.url,
    timeout: TIMEOUT_MS,
    connectTimeout: TIMEOUT_MS,
    // ldaps:// only; Node checks the certificate against the system CAs and the host name unless told not to.
    tlsOptions: config.url.startsWith("ldaps:") ? { rejectUnauthorized: config.verifyCert } : undefined,
  });
}

/** A filter as written in settings, wrapped in parentheses when it is a bare `a=b`. */
function wrapFilter(filter: string): string {
  const f = filter.trim();
  if (!f) return "";
  return f.startsWith("(") ? f : `(${f})`;
}

export function userFilter(config: LdapConfig, username: string): string {
  // The attribute name comes from settings (checked as a name); only the typed user name is escaped.
  const byName = `(${config.uid}=${escapeFilter`${username}`})`;
  const extra = wrapFilter(config.filter);
  return extra ? `(&${extra}${byName})` : byName;
}

function first(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
}

function all(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v)));
}

/** Checks a user name and password against the directory; never throws for a directory problem. */
export async function ldapAuthenticate(config: LdapConfig, username: string, password: string): Promise<LdapCheck> {
  // An empty password would be an anonymous bind, which servers accept: never a sign-in.
  if (!username || !password) return { ok: false, reason: "invalid" };
  if (!config.url || !config.baseDn) return { ok: false, reason: "unavailable", detail: "LDAP is not configured" };
  const search = ldapClient(config);
  try {
    if (config.searchDn) await search.bind(config.searchDn, config.searchPassword);
    const { searchEntries } = await search.search(config.baseDn, {
      scope: SCOPES[config.scope],
      filter: userFilter(config, username),
      attributes: ["dn", config.uid, "mail", config.groupMembershipAttribute],
    });
    // No such user, or a name that matches several entries: the same answer as a wrong password.
    if (searchEntries.length !== 1) return { ok: false, reason: "invalid" };
    const entry = searchEntries[0];

    const asUser = ldapClient(config);
    try {
      await asUser.bind(entry.dn, password);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return { ok: false, reason: "invalid" };
      throw err;
    } finally {
      await asUser.unbind().catch(() => {});
    }

    const groups = await userGroups(search, config, entry);
    const adminDn = config.groupAdminDn ? normalizeDn(config.groupAdminDn) : undefined;
    return {
      ok: true,
      profile: {
        source: "ldap",
        subject: normalizeDn(entry.dn),
        username: first(entry, config.uid) ?? username,
        email: first(entry, "mail"),
        groups,
        admin: adminDn === undefined ? undefined : groups.some((g) => normalizeDn(g) === adminDn),
      },
    };
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 200) : "unknown error";
    logger.warn({ url: config.url, detail }, "LDAP sign-in failed: the directory could not be searched");
    return { ok: false, reason: "unavailable", detail };
  } finally {
    await search.unbind().catch(() => {});
  }
}

/**
 * The DNs of the user's groups: the membership attribute of their entry (memberOf) when the server
 * keeps one, else the groups under the group base DN that list them as member or uniqueMember.
 * Only groups under the group base DN (when set) count.
 */
async function userGroups(client: Client, config: LdapConfig, entry: Entry): Promise<string[]> {
  const base = config.groupBaseDn ? normalizeDn(config.groupBaseDn) : "";
  const under = (dn: string) => !base || normalizeDn(dn) === base || normalizeDn(dn).endsWith("," + base);
  const listed = all(entry, config.groupMembershipAttribute);
  if (listed.length > 0) return listed.filter(under);
  if (!config.groupBaseDn) return [];
  const byMember = escapeFilter`(|(member=${entry.dn})(uniqueMember=${entry.dn}))`;
  const extra = wrapFilter(config.groupFilter);
  const { searchEntries } = await client.search(config.groupBaseDn, {
    scope: "sub",
    filter: extra ? `(&${extra}${byMember})` : byMember,
    attributes: ["dn", config.groupAttributeName],
    sizeLimit: GROUP_LIMIT,
  });
  return searchEntries.map((g) => g.dn);
}
