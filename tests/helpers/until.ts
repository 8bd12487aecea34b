/**
 * Polls `fn` until it returns something truthy, and returns that; throws after `ms`. For waiting
 * on a state that must come (a task Success, a line printed), never for proving that something
 * did not happen: absence is asserted on stored state once the system has settled.
 */
export async function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 10_000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
