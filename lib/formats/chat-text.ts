/** Text helpers shared by the chat renderings: cutting to a tool's limits and neutralising its markup. */

export const ELLIPSIS = "…";

/**
 * `text` cut to at most `max` UTF-16 code units (how JSON tools and JavaScript count) with an
 * ellipsis; never cuts a surrogate pair in half.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let end = max - ELLIPSIS.length;
  // A high surrogate as the last kept unit would be half a character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(0, end))}${ELLIPSIS}`;
}

/**
 * Markdown as Mattermost and Discord read it: a backslash before each character that could start
 * emphasis, code, a link, a heading or a quote, so names such as `__init__` show literally.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~|[\]()<>#]/g, "\\$&");
}

/**
 * Mattermost notifies everybody for @channel, @all and @here, and a user for @name: a zero-width
 * space after the @ shows the text unchanged without notifying anyone.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=\S)/g, "@\u200b");
}

/**
 * `escape(text)` within `max` characters: the text is cut before it is escaped, so an escape or
 * entity is never cut in half; the longest cut whose escaped form fits is found by bisection.
 */
export function fitEscaped(text: string, max: number, escape: (text: string) => string): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  let low = 0; // escape(truncate(text, low)) fits
  let high = Math.min(max, text.length); // the longest cut worth trying
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (escape(truncate(text, mid)).length <= max) low = mid;
    else high = mid - 1;
  }
  return escape(truncate(text, low));
}
