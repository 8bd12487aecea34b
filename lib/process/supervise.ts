import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";

export type ChildSpec = { role: string; args: string[]; env: NodeJS.ProcessEnv };

export type Supervisor = {
  /** Stops every child (SIGTERM, then SIGKILL after `graceMs`), then exits with `code`. */
  stop(code: number): void;
};

/**
 * Runs `node <args>` for each spec and keeps them together: when one ends on its own (a crash, a
 * signal, even a clean exit: they are servers), the others are stopped and this process exits
 * non-zero, saying which child ended and how. SIGTERM and SIGINT stop all children and exit 0.
 */
export function superviseChildren(
  specs: ChildSpec[],
  opts: { graceMs?: number; log?: (line: string) => void; exit?: (code: number) => void } = {},
): Supervisor {
  const log = opts.log ?? ((line) => console.error(line));
  const exit = opts.exit ?? ((code) => process.exit(code));
  const graceMs = opts.graceMs ?? 10_000;
  let stopping = false;
  // Each child's end is awaited through a promise made at spawn time: it cannot be missed.
  const children: { role: string; proc: ChildProcess; ended: Promise<void> }[] = [];

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    const running = children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    for (const c of running) c.proc.kill("SIGTERM");
    const killer = setTimeout(() => {
      for (const c of running) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    }, graceMs);
    killer.unref();
    void Promise.all(children.map((c) => c.ended)).then(() => {
      clearTimeout(killer);
      exit(code);
    });
  };

  for (const spec of specs) {
    const proc = spawn(process.execPath, spec.args, { stdio: "inherit", env: spec.env });
    const ended = new Promise<void>((resolve) => {
      proc.on("exit", (code, signal) => {
        resolve();
        if (stopping) return;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        log(`${spec.role} ${how}; stopping the other processes`);
        stop(exitCodeFor(code, signal));
      });
      proc.on("error", (err) => {
        resolve();
        if (stopping) return;
        log(`${spec.role} could not start: ${err.message}; stopping the other processes`);
        stop(1);
      });
    });
    children.push({ role: spec.role, proc, ended });
  }
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
  return { stop };
}

/** A shell's convention: 128 + the signal's number for a signal, the code itself when it is not 0, else 1. */
export function exitCodeFor(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return 128 + (os.constants.signals[signal] ?? 0);
  return code ? code : 1;
}
