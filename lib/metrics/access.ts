import crypto from "node:crypto";

/** Whether an Authorization header may read /metrics: anyone when no token is configured, else `Bearer <token>`. */
export function metricsAuthorized(header: string | null, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return false;
  const a = crypto.createHash("sha256").update(match[1]).digest();
  const b = crypto.createHash("sha256").update(token).digest();
  return crypto.timingSafeEqual(a, b);
}
