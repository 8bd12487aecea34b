/**
 * With auto-onboard off, an OIDC user's first sign-in asks for a user name (as Harbor does). What
 * the provider said is carried to that page in a ticket: encrypted and authenticated with the
 * instance key (lib/crypto/secret-box.ts), valid for a few minutes, so it cannot be forged or read.
 */
import { decryptSecret, encryptSecret } from "@/lib/crypto/secret-box";
import type { DirectoryProfile } from "@/lib/auth/sso/onboard";

export const TICKET_TTL_MS = 10 * 60_000;

export function issueOnboardingTicket(profile: DirectoryProfile, now = Date.now()): string {
  return Buffer.from(encryptSecret(JSON.stringify({ p: profile, exp: now + TICKET_TTL_MS }))).toString("base64url");
}

/** The profile of a valid, unexpired ticket; null otherwise. */
export function readOnboardingTicket(ticket: string, now = Date.now()): DirectoryProfile | null {
  if (!ticket || ticket.length > 16_384) return null;
  try {
    const { p, exp } = JSON.parse(decryptSecret(Buffer.from(ticket, "base64url").toString("utf8"))) as {
      p: DirectoryProfile;
      exp: number;
    };
    return typeof exp === "number" && exp > now && p?.source === "oidc" ? p : null;
  } catch {
    return null;
  }
}
