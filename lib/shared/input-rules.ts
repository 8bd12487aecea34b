/**
 * The wording of input rules. Each rule has one message, a sentence that says what to enter; the
 * schemas the forms and the APIs share take their messages from here. The APIs put the field's name
 * in front ("name: Enter a name."), the forms show the message next to the field. Browser-safe.
 */
import { z } from "zod";
import { hasInvisibleCharacters, INVISIBLE_NAME_MESSAGE, normalizeName } from "@/lib/shared/unicode";

const count = (n: number) => n.toLocaleString("en-US");

export const enter = (what: string) => `Enter ${what}.`;
export const atMostChars = (max: number) => `Use at most ${count(max)} characters.`;
export const atLeastChars = (min: number) => `Use at least ${count(min)} characters.`;
export const TRUE_OR_FALSE = "Use true or false.";

/** "Enter a whole number of days from 1 to 3,650." (`orElse`: ", or leave it empty…") */
export function numberRangeMessage(
  min: number,
  max: number,
  opts: { whole?: boolean; unit?: string; orElse?: string } = {},
): string {
  const kind = opts.whole === false ? "a number" : "a whole number";
  const unit = opts.unit ? ` of ${opts.unit}` : "";
  return `Enter ${kind}${unit} from ${count(min)} to ${count(max)}${opts.orElse ? `, or ${opts.orElse}` : ""}.`;
}

/**
 * A number between two bounds, with one message for every way to miss them (not a number, not whole,
 * too small, too large). `coerce` reads form text ("" is 0, "abc" is not a number).
 */
export function numberIn(min: number, max: number, opts: { whole?: boolean; unit?: string; coerce?: boolean } = {}) {
  const message = numberRangeMessage(min, max, opts);
  const base = opts.coerce ? z.coerce.number(message) : z.number(message);
  const bounded = base.min(min, message).max(max, message);
  return opts.whole === false ? bounded : bounded.int(message);
}

/** Required text, trimmed, with a length limit: "Enter a name." / "Use at most 256 characters." */
export function requiredText(what: string, max: number) {
  return z.string(enter(what)).trim().min(1, enter(what)).max(max, atMostChars(max));
}

/**
 * A name people tell apart by sight: invisible and text-direction characters are refused, and the
 * name is stored in NFC (lib/shared/unicode.ts says why).
 */
export function visibleName(text: z.ZodString) {
  return text.refine((v) => !hasInvisibleCharacters(v), INVISIBLE_NAME_MESSAGE).transform(normalizeName);
}
