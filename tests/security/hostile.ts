/** Hostile inputs for the fuzz tests: strings, values and bodies an attacker or a broken client sends. */
import fc from "fast-check";

export const NASTY_STRINGS = [
  "../../etc/passwd",
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "..\\..\\windows\\win.ini",
  "' OR '1'='1",
  '1; DROP TABLE "Task"; --',
  '1 UNION SELECT "hash" FROM "ApiKey"',
  "Bearer x\r\nX-Injected: yes",
  "line\nbreak",
  "nul\u0000byte",
  "%00",
  "<script>window.__xss=1</script>",
  "<img src=x onerror=alert(1)>",
  "${7*7}{{7*7}}",
  "💥🚀𝕳𝖆𝖗𝖇𝖔𝖗",
  "\u202eevil\u202c",
  "\ud800",
  "1e309",
  "NaN",
  "-1",
  "0",
  "00000000000000000000000001",
  "99999999999999999999999999999",
  "2147483648",
  "9007199254740993",
  "0x7f000001",
  " 1 ",
  "1.5",
  "",
  " ",
  "null",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "dest_01HXYZ",
  "dest_" + "Z".repeat(26),
  "hk_live_" + "A".repeat(32),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => "x".repeat(n)) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 1.5, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased towards the wrong type for a field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
);

type Json = Record<string, unknown>;

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value && typeof value === "object")
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy: Json | unknown[] = Array.isArray(root) ? [...root] : { ...(root as Json) };
  const [head, ...rest] = path;
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head as string];
    return copy;
  }
  (copy as Json)[head as string] = setAt((copy as Json)[head as string], rest, value, remove);
  return copy;
}

/**
 * A valid body with one or two fields replaced by hostile values, removed, or joined by unknown
 * keys; so that inputs get past the first check and test the deeper ones.
 */
export function mutated(valid: unknown, values: fc.Arbitrary<unknown> = hostileValue): fc.Arbitrary<unknown> {
  const all = paths(valid).filter((p) => p.length > 0);
  const one = fc.record({
    path: fc.constantFrom(...all),
    value: values,
    remove: fc.boolean(),
  });
  return fc
    .array(one, { minLength: 1, maxLength: 2 })
    .map((changes) => changes.reduce((body, c) => setAt(body, c.path, c.value, c.remove), valid as unknown));
}

/** What gets sent as a request body: a mutated valid one, any JSON, or text that is not JSON. */
export function hostileBody(valid: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    { weight: 6, arbitrary: mutated(valid).map((b) => JSON.stringify(b)) },
    // JSON.stringify writes an unpaired surrogate as the escape "\ud800", which JSON.parse turns back.
    {
      weight: 1,
      arbitrary: mutated(valid, fc.constantFrom("x\ud800y", "\udfff", "ok\ud83d")).map((b) => JSON.stringify(b)),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: text.length - 1 }).map((n) => text.slice(0, n)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "not json", "{", "[1,2", "\u0000", '{"a":1}{"b":2}', '{"__proto__":{"x":1}}'),
    },
  );
}
