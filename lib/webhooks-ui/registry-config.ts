/** What the settings page tells an admin to put into the registry's configuration. */

export const NOTIFICATIONS_PATH = "/service/notifications";

/**
 * The URL registries post their notifications to: EXTERNAL_URL when it is set (the address others
 * reach us at), else the origin the admin's browser used.
 */
export function registryNotificationUrl(externalUrl: string | undefined, requestOrigin: string): string {
  const base = (externalUrl || requestOrigin).replace(/\/+$/, "");
  return `${base}${NOTIFICATIONS_PATH}`;
}

/** The origin of a request, from the Host and X-Forwarded-* headers a proxy sets. */
export function requestOrigin(
  headers: { get(name: string): string | null },
  fallback = "http://localhost:3000",
): string {
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return fallback;
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return `${proto === "https" ? "https" : "http"}://${host}`;
}

/**
 * A `notifications:` section for a CNCF Distribution registry's config.yml (registry:2, Zot and
 * GitLab use the same shape). The token is a placeholder: it is never shown again after saving.
 */
export function registryConfigSnippet(url: string, tokenPlaceholder = TOKEN_PLACEHOLDER): string {
  return [
    "notifications:",
    "  events:",
    "    includereferences: true",
    "  endpoints:",
    "    - name: harbor-notifier",
    "      disabled: false",
    `      url: ${url}`,
    "      headers:",
    `        Authorization: [Bearer ${tokenPlaceholder}]`,
    "      timeout: 5s",
    "      threshold: 5",
    "      backoff: 10s",
    "      ignoredmediatypes:",
    "        - application/octet-stream",
    "",
  ].join("\n");
}

/** The placeholder the snippet carries until the admin generates (or types) a token in the form. */
export const TOKEN_PLACEHOLDER = "<your registry notification token>";

/**
 * Why a registry may not reach the notification URL, or undefined: a loopback host (`localhost`,
 * 127.0.0.0/8, ::1) is this machine only, out of reach of a registry in a container or on another host.
 */
export function unreachableUrlWarning(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return undefined;
  }
  const loopback =
    host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
  if (!loopback) return undefined;
  return (
    `This address points at ${host}: a registry in a container or on another host cannot reach it. ` +
    "Set EXTERNAL_URL to an address the registry can reach (e.g. http://harbor-notifier.internal:3000)."
  );
}
