/**
 * The glob patterns of webhook policies (repository and tag filters). Browser-safe: the policy form
 * checks a pattern as it is typed, the service checks it again at save time, and ingest matches it.
 *
 * Syntax: `*` any run of characters within one path segment (no `/`); `**` as a whole segment
 * (`**\/nginx`, `library/**`, `a/**\/b`) any number of segments, none included; `?` one character
 * other than `/`; `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one character in or not in the set;
 * `{a,b}` alternatives (nested up to MAX_BRACE_DEPTH); `\` makes the next character literal.
 *
 * Matching simulates a small automaton (one state per pattern element) over the name, one character
 * at a time: the work is at most (states × characters), whatever the pattern. A regular expression
 * backtracks instead, and `*a*a*a…*b` against a long name takes exponential time.
 */

export const MAX_BRACE_DEPTH = 8;

/** A pattern that is not valid glob syntax; the message says how to fix it. */
export class GlobSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlobSyntaxError";
  }
}

/** Thrown by StepBudget.spend once the work allowed is used up. */
export class MatchStepsExceeded extends Error {
  constructor(readonly limit: number) {
    super(`matching took more than ${limit} steps`);
    this.name = "MatchStepsExceeded";
  }
}

/** A cap on the matching work shared by many matches (one event against every policy's patterns). */
export class StepBudget {
  private used = 0;
  constructor(readonly limit: number) {}
  spend(steps: number): void {
    this.used += steps;
    if (this.used > this.limit) throw new MatchStepsExceeded(this.limit);
  }
  get steps(): number {
    return this.used;
  }
}

const SLASH = 0x2f;

type Test = (codePoint: number) => boolean;
type Item =
  | { t: "one"; test: Test }
  /** Any run of characters for which `test` holds (`*`: no slash; `**`: anything). */
  | { t: "run"; test: Test }
  | { t: "alt"; alts: Item[][] };

const notSlash: Test = (c) => c !== SLASH;
const anything: Test = () => true;
const literal = (ch: string): Item => {
  const cp = ch.codePointAt(0)!;
  return { t: "one", test: (c) => c === cp };
};

/** Parses a pattern into items; iterative, so braces cost no recursion while parsing. */
function parse(pattern: string): Item[] {
  const cps = Array.from(pattern);
  if (cps[0] === "!")
    throw new GlobSyntaxError("A leading ! (negation) is not supported: describe what to match, such as v* or {a,b}.");
  const frames: { alts: Item[][]; outer: Item[] }[] = [];
  let cur: Item[] = [];
  const root = cur;
  /** The item of the last unescaped `/`, so that a trailing `/**` can make it optional. */
  let lastSlash: Item | undefined;
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i];
    let pushed: Item | undefined;
    switch (ch) {
      case "\\":
        if (i + 1 >= cps.length)
          throw new GlobSyntaxError("The pattern ends with a lone \\: write \\\\ to match a backslash.");
        pushed = literal(cps[++i]);
        break;
      case "?":
        pushed = { t: "one", test: notSlash };
        break;
      case "*": {
        let end = i;
        while (cps[end + 1] === "*") end++;
        const wholeSegment =
          end > i &&
          frames.length === 0 &&
          (i === 0 || cur[cur.length - 1] === lastSlash) &&
          (end + 1 === cps.length || cps[end + 1] === "/");
        if (!wholeSegment) pushed = { t: "run", test: notSlash };
        else if (end + 1 < cps.length) {
          // `**/`: no segment, or any run ending with a slash.
          pushed = { t: "alt", alts: [[], [{ t: "run", test: anything }, literal("/")]] };
          end++;
        } else if (i > 0) {
          // A trailing `/**`: the name itself, or it followed by a slash and anything.
          cur.pop();
          pushed = { t: "alt", alts: [[], [literal("/"), { t: "run", test: anything }]] };
        } else pushed = { t: "run", test: anything };
        i = end;
        break;
      }
      case "[": {
        const parsed = parseClass(cps, i);
        pushed = parsed.item;
        i = parsed.end;
        break;
      }
      case "{":
        if (frames.length >= MAX_BRACE_DEPTH) throw new GlobSyntaxError(`Nest braces at most ${MAX_BRACE_DEPTH} deep.`);
        frames.push({ alts: [], outer: cur });
        cur = [];
        break;
      case ",":
        if (frames.length === 0) pushed = literal(ch);
        else {
          frames[frames.length - 1].alts.push(cur);
          cur = [];
        }
        break;
      case "}": {
        const frame = frames.pop();
        if (!frame) throw new GlobSyntaxError("A } has no { before it: write \\} to match a brace.");
        frame.alts.push(cur);
        cur = frame.outer;
        pushed = { t: "alt", alts: frame.alts };
        break;
      }
      case "(":
      case ")":
      case "|":
        throw new GlobSyntaxError(`${ch} is not pattern syntax here: use {a,b} for alternatives.`);
      default:
        pushed = literal(ch);
        if (ch === "/") lastSlash = pushed;
    }
    if (pushed) cur.push(pushed);
  }
  if (frames.length > 0)
    throw new GlobSyntaxError("A { is not closed: close it with }, or write \\{ to match a brace.");
  return root;
}

/** `[…]` from `start`: the item and the index of its closing `]`. A `]` first in the set is literal. */
function parseClass(cps: string[], start: number): { item: Item; end: number } {
  let k = start + 1;
  const negated = cps[k] === "!" || cps[k] === "^";
  if (negated) k++;
  const ranges: [number, number][] = [];
  const unclosed = () => new GlobSyntaxError("A [ is not closed: close it with ], or write \\[ to match a bracket.");
  const next = (): number => {
    if (cps[k] === "\\") k++;
    if (k >= cps.length) throw unclosed();
    return cps[k].codePointAt(0)!;
  };
  let first = true;
  while (k < cps.length && (cps[k] !== "]" || first)) {
    const lo = next();
    let hi = lo;
    if (cps[k + 1] === "-" && k + 2 < cps.length && cps[k + 2] !== "]") {
      k += 2;
      hi = next();
      if (hi < lo)
        throw new GlobSyntaxError(
          `The range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)} is backwards: write it low to high.`,
        );
    }
    ranges.push([lo, hi]);
    k++;
    first = false;
  }
  if (k >= cps.length) throw unclosed();
  const inSet = (c: number) => ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return { item: { t: "one", test: (c) => c !== SLASH && inSet(c) !== negated }, end: k };
}

/** Automaton states: consume one character, consume a run (stays), branch, accept. */
type State =
  | { kind: "one"; test: Test; next: number }
  | { kind: "run"; test: Test; next: number }
  | { kind: "split"; outs: number[] }
  | { kind: "accept" };

export type Glob = { readonly pattern: string; readonly states: readonly State[]; readonly start: number };

/** Compiles a pattern; a syntax error throws GlobSyntaxError with a message for the person who wrote it. */
export function compileGlob(pattern: string): Glob {
  const items = parse(pattern);
  const states: State[] = [{ kind: "accept" }];
  // Built back to front, each item pointing at what follows it. Recursion only follows brace
  // nesting, which parse() keeps to MAX_BRACE_DEPTH.
  const seq = (list: Item[], next: number): number => {
    let at = next;
    for (let i = list.length - 1; i >= 0; i--) at = build(list[i], at);
    return at;
  };
  const build = (item: Item, next: number): number => {
    if (item.t === "alt") {
      const outs = item.alts.map((alt) => seq(alt, next));
      states.push({ kind: "split", outs });
    } else states.push({ kind: item.t, test: item.test, next });
    return states.length - 1;
  };
  return { pattern, states, start: seq(items, 0) };
}

/** Why a pattern cannot be saved, or null when it can. */
export function globProblem(pattern: string): string | null {
  try {
    compileGlob(pattern);
    return null;
  } catch (err) {
    if (err instanceof GlobSyntaxError) return err.message;
    throw err;
  }
}

/**
 * Whether `name` matches the whole pattern. Each character advances the set of live states, so the
 * work is bounded by (states × characters); `budget` is charged for it and throws when used up.
 */
export function globMatch(glob: Glob, name: string, budget?: StepBudget): boolean {
  const { states } = glob;
  const seen = new Int32Array(states.length).fill(-1);
  let generation = 0;
  let live: number[] = [];
  let accepting = false;
  const stack: number[] = [];
  /** Adds `from` and every state reachable from it without consuming a character. */
  const enter = (from: number, into: number[]) => {
    stack.push(from);
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen[s] === generation) continue;
      seen[s] = generation;
      const state = states[s];
      if (state.kind === "accept") accepting = true;
      else if (state.kind === "split") for (let i = state.outs.length - 1; i >= 0; i--) stack.push(state.outs[i]);
      else {
        into.push(s);
        if (state.kind === "run") stack.push(state.next);
      }
    }
  };
  enter(glob.start, live);
  for (const ch of name) {
    if (live.length === 0) return false;
    budget?.spend(live.length);
    const c = ch.codePointAt(0)!;
    const next: number[] = [];
    generation++;
    accepting = false;
    for (const s of live) {
      const state = states[s] as Extract<State, { test: Test }>;
      if (state.test(c)) enter(state.kind === "run" ? s : state.next, next);
    }
    live = next;
  }
  return accepting;
}

/** One-off match, for callers that test a pattern once. */
export function isGlobMatch(pattern: string, name: string, budget?: StepBudget): boolean {
  return globMatch(compileGlob(pattern), name, budget);
}
