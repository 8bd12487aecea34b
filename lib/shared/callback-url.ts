/**
 * Where the browser may go after signing in: a path on this site, nothing else. Paths a browser
 * reads as another host (`//evil.example`, `/\evil.example`, their percent-encoded, tab- or
 * dot-segment-hidden forms), absolute URLs to other origins and other schemes fall back to
 * `fallback`. An absolute URL on `baseUrl`'s origin (next-auth hands those) becomes its path.
 */
export function safeCallbackPath(value: unknown, opts: { baseUrl?: string; fallback?: string } = {}): string {
  const fallback = opts.fallback ?? "/projects";
  if (typeof value !== "string" || value === "" || value.length > 2048) return fallback;
  // Browsers drop tabs and newlines inside URLs and read `\` as `/`: refuse both outright.
  if (/[\u0000-\u001f\u007f\\\s]/.test(value)) return fallback;
  const base = originOf(opts.baseUrl) ?? "http://callback.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  if (!value.startsWith("/") && !value.toLowerCase().startsWith(`${base.toLowerCase()}/`) && value !== base)
    return fallback;
  const path = url.pathname + url.search + url.hash;
  // The path itself, raw or decoded once or twice, must not start a protocol-relative URL.
  let decoded = path;
  for (let i = 0; i < 3; i++) {
    if (/^\/[/\\]/.test(decoded) || /^[^/]/.test(decoded)) return fallback;
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
  }
  return path;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
