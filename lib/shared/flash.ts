/**
 * Messages a page shows because of its URL ("you were sent here because…", "deleted"). The URL
 * carries only a code; the text is fixed here, so a crafted link cannot make a page say anything
 * (no text, markup or phishing line from a query string is ever rendered). Unknown codes show a
 * generic text, or nothing. (The forbidden page's text comes from the permission table:
 * lib/auth/permission-messages.ts.)
 */

/** `?deleted=webhook` on the webhooks list, after a webhook was deleted from its own page. */
const DELETED_TEXTS: Record<string, string> = { webhook: "Webhook deleted." };

export function deletedText(code: unknown): string | undefined {
  return typeof code === "string" && Object.hasOwn(DELETED_TEXTS, code) ? DELETED_TEXTS[code] : undefined;
}
