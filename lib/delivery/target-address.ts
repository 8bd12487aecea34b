/**
 * A target's address as logs and traces may show it. A chat webhook's path (Slack, Teams, Discord)
 * or query (Google Chat) holds its secret, and any URL may carry credentials: only what is safe
 * to show leaves these functions.
 */

/** Hosts only: a target's path and query may hold its secret (Slack, Teams), its auth header is never named. */
export function targetHost(address: string): string {
  try {
    return new URL(address).host;
  } catch {
    return "(invalid address)";
  }
}

/** Scheme, host and path, without credentials or query; Slack webhook URLs carry their secret in the path, so they show only the host. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.hostname.endsWith("slack.com") || u.pathname.startsWith("/services/")
      ? `${u.protocol}//${u.host}/…`
      : `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
