/**
 * Email targets: a `mailto:` URI naming one or more recipients (`mailto:ops@example.com,dev@example.com`).
 * Browser-safe, so the policy form checks what the server checks again.
 */

export const MAX_EMAIL_RECIPIENTS = 20;

/**
 * A deliberately plain address: a local part and a domain with at least one dot, no spaces, quotes,
 * angle brackets, commas or line breaks (nothing that could end a header or add a recipient).
 */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && ADDRESS.test(text) && !text.startsWith(".") && !text.includes("..");
}

export type MailtoParse = { ok: true; recipients: string[] } | { ok: false; message: string };

export const MAILTO_EXAMPLE = "mailto:ops@example.com,dev@example.com";

export function isMailto(address: string): boolean {
  return /^mailto:/i.test(address.trim());
}

/** The recipients of a mailto: URI, or why it cannot be delivered to. */
export function parseMailto(address: string): MailtoParse {
  const text = address.trim();
  if (!isMailto(text)) {
    return { ok: false, message: `Enter a mailto: address with one or more recipients, such as ${MAILTO_EXAMPLE}.` };
  }
  const rest = text.slice("mailto:".length);
  if (rest.includes("?")) {
    return {
      ok: false,
      message: "Leave out ?subject=, ?cc= and other mailto parameters: the message and its recipients are set here.",
    };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return { ok: false, message: "The mailto: address has a broken %-escape." };
  }
  const recipients = decoded
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (recipients.length === 0) {
    return { ok: false, message: `Name at least one recipient, such as ${MAILTO_EXAMPLE}.` };
  }
  if (recipients.length > MAX_EMAIL_RECIPIENTS) {
    return { ok: false, message: `Use at most ${MAX_EMAIL_RECIPIENTS} recipients (this has ${recipients.length}).` };
  }
  const bad = recipients.find((r) => !isEmailAddress(r));
  if (bad !== undefined) {
    // JSON quoting shows a line break or control character as an escape instead of breaking the message.
    return {
      ok: false,
      message: `${JSON.stringify(bad.slice(0, 100))} is not an email address such as ops@example.com.`,
    };
  }
  const seen = new Set<string>();
  const unique = recipients.filter((r) => !seen.has(r.toLowerCase()) && seen.add(r.toLowerCase()));
  return { ok: true, recipients: unique };
}
