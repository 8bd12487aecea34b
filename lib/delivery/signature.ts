/**
 * Standard Webhooks signing (https://www.standardwebhooks.com).
 * Receivers verify with the public `standardwebhooks` library, so the wire format must match it exactly.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export type SignInput = {
  /** `webhook-id`: stable across retries so receivers can de-duplicate. */
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: string;
  /** One secret normally; old and new during a rotation overlap. */
  secrets: readonly string[];
};

export type SignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/** The HMAC key is the base64 payload after `whsec_` (the prefix is optional, as in the reference library). */
function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) throw new Error("signing secret is empty or not base64");
  return key;
}

/** The `webhook-signature` header value: `v1,<sig>` per secret, space-separated. */
export function signPayload({ id, timestamp, body, secrets }: SignInput): string {
  if (secrets.length === 0) throw new Error("at least one signing secret is required");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error("timestamp must be whole unix seconds");
  }
  const signedContent = `${id}.${timestamp}.${body}`;
  return secrets
    .map((secret) => "v1," + createHmac("sha256", signingKey(secret)).update(signedContent).digest("base64"))
    .join(" ");
}

export function signatureHeaders(input: SignInput): SignatureHeaders {
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": signPayload(input),
  };
}

// --- message ids: ULID layout (48-bit ms time + 80-bit random, Crockford base32, 26 chars) ---
