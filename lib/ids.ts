import { randomBytes } from "node:crypto";
import { z } from "zod";

/** Row ids are 32-bit integer columns on both databases (PostgreSQL refuses larger ones in a query). */
export const MAX_ROW_ID = 2_147_483_647;

/**
 * A row id from a path segment, query parameter or action argument: a positive whole number within
 * PostgreSQL's integer. Strings of digits are accepted (URLs carry text); anything else fails.
 */
export const rowIdSchema = z
  .union([z.string().regex(/^\d{1,10}$/, "must be a positive whole number"), z.number()])
  .transform(Number)
  .pipe(z.number().int("must be a whole number").positive("must be positive").max(MAX_ROW_ID, "is out of range"));

/** The id, or undefined when the value cannot name a row (callers answer 404). */
export function parseRowId(value: unknown): number | undefined {
  const r = rowIdSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

let lastTime = -1;
let lastRandom: number[] = [];

function randomDigits(): number[] {
  const bytes = randomBytes(RANDOM_CHARS);
  return Array.from(bytes, (b) => b & 31);
}

/** Adds one to a base32 digit array; keeps ids strictly increasing within a millisecond. */
function incremented(digits: number[]): number[] | null {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 31) {
      next[i] += 1;
      return next;
    }
    next[i] = 0;
  }
  return null; // 80 bits exhausted within one ms: practically impossible
}

function encodeTime(ms: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** `msg_` + a ULID: lexicographic order follows creation order (monotonic within this process). */
export function newMessageId(): string {
  let now = Date.now();
  let random: number[];
  if (now <= lastTime) {
    // Same (or a backwards-stepping) clock: keep the last time and bump the random part.
    random = incremented(lastRandom) ?? randomDigits();
    now = lastTime;
  } else {
    random = randomDigits();
  }
  lastTime = now;
  lastRandom = random;
  return "msg_" + encodeTime(now) + random.map((d) => CROCKFORD[d]).join("");
}

/** A policy's public id (`pol_…`, `dest_…`): the ULID part of a message id, so ids sort by creation. */
export function publicPolicyId(prefix = "pol"): string {
  return `${prefix}_${newMessageId().slice(4)}`;
}
