/**
 * Text rules shared by the APIs, the server actions and the forms. Browser-safe.
 *
 * Unstorable text: an unpaired UTF-16 surrogate (a JSON escape such as "\ud800", or a server action
 * argument) is not Unicode at all, and PostgreSQL refuses NUL characters in text (SQLite cuts
 * strings at them). Inputs carrying either are refused at the edge instead of failing deep inside
 * a query with a 500.
 *
 * Names: two names that look the same must not be two things. Names are stored in NFC (so "é" typed
 * as one character or as e + combining accent is one name), invisible and direction-changing
 * characters are refused, and names that only differ by compatibility forms (full-width "ａｐｐ"
 * and "app", ligatures) are look-alikes where names must be unique.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isUnstorableString(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** Whether any string in a JSON-like value (keys included) is unstorable; iterative, whatever the nesting. */
export function hasUnstorableText(value: unknown): boolean {
  const pending: unknown[] = [value];
  const seen = new Set<object>(); // a cycle is walked once
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === "string") {
      if (UNSTORABLE.test(v)) return true;
    } else if (v === null || typeof v !== "object" || seen.has(v)) continue;
    else if (Array.isArray(v)) {
      seen.add(v);
      for (const child of v) pending.push(child);
    } else {
      seen.add(v);
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

/**
 * Characters that do not show, or that reorder what follows: control characters (line breaks and
 * tabs included), format characters (zero-width space and joiners, the byte order mark, soft
 * hyphen, bidi embeddings, overrides and isolates), and the invisible fillers (Hangul fillers,
 * braille blank) that are letters to Unicode.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u115f\u1160\u3164\uffa0\u2800]/u;

export const INVISIBLE_NAME_MESSAGE =
  "Remove the invisible or text-direction characters (such as zero-width spaces or right-to-left marks): a name must read the way it is stored.";

export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE.test(text);
}

/** A name as stored: Unicode NFC, so that one visible name has one spelling. */
export function normalizeName(name: string): string {
  return name.normalize("NFC");
}

/**
 * What two names that look alike have in common: NFKC folds compatibility forms (full-width
 * letters, ligatures, superscripts) into their plain letters; invisible characters a name stored
 * earlier may hold are dropped. Names with the same key are one name where names are unique.
 */
export function nameLookAlikeKey(name: string): string {
  return name.normalize("NFKC").replace(new RegExp(INVISIBLE.source, "gu"), "");
}
