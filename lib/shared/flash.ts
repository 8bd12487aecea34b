/**
 * Messages a page shows because of its URL ("you were sent here because…", "deleted"). The URL
 * carries only a code; the text is fixed here, so a crafted link cannot make a page say anything
 * (no text, markup or phishing line from a query string is ever rendered). Unknown codes show a
 * generic text, or nothing.
 */

/** `/forbidden?what=<code>`: what the role does not allow (codes are permission names). */
const FORBIDDEN_TEXTS: Record<string, string> = {
  "project.read": "seeing this project",
  "members.read": "seeing this project's members",
  "members.manage": "managing this project's members",
  "webhook.read": "seeing this project's webhooks",
  "webhook.manage": "changing this project's webhooks",
  "webhook.secrets": "seeing this project's webhook secrets",
  "events.send": "sending events to this project",
  "apiKeys.manage": "managing this project's API keys",
  "project.delete": "deleting this project",
  "system administration": "system administration",
};

export function forbiddenText(what: unknown): string {
  return typeof what === "string" && Object.hasOwn(FORBIDDEN_TEXTS, what) ? FORBIDDEN_TEXTS[what] : "this";
}

/** `?deleted=webhook` on the webhooks list, after a webhook was deleted from its own page. */
const DELETED_TEXTS: Record<string, string> = { webhook: "Webhook deleted." };

export function deletedText(code: unknown): string | undefined {
  return typeof code === "string" && Object.hasOwn(DELETED_TEXTS, code) ? DELETED_TEXTS[code] : undefined;
}
