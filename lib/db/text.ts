/**
 * Text as both databases store it. PostgreSQL refuses a NUL character in a text value (the whole
 * statement fails), and an unpaired UTF-16 surrogate has no UTF-8 form (PostgreSQL refuses it,
 * SQLite's driver replaces it). Text from outside — a receiver's response body, an error message,
 * a header value — goes through here before it is written, so one odd byte cannot fail a write
 * that carries other rows. Both become U+FFFD (the replacement character) on both databases, so
 * the history reads the same whichever database is behind it.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, "\uFFFD");
}

export function storableTextOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storableText(text);
}
