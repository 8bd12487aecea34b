/**
 * The logger replaced by one that records every call in `logged`, so a test can check what the
 * operator's log says (and that it carries no secret). vi.mock is hoisted above the imports, so each
 * test file calls it itself and loads this module inside the factory:
 *
 *   vi.mock("@/lib/log/logger", async () => (await import("../helpers/log-capture")).loggerMock());
 */
export const logged: { level: string; args: unknown[] }[] = [];

export function loggerMock() {
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void logged.push({ level, args });
  return {
    logger: {
      fatal: at("fatal"),
      error: at("error"),
      warn: at("warn"),
      info: at("info"),
      debug: at("debug"),
      trace: at("trace"),
    },
  };
}
