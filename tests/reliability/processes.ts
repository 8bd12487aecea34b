/**
 * Child processes for the reliability tests: the delivery worker (scripts/worker.ts) and the
 * web-side agent (scripts/reliability/agent.ts), started with `node --import tsx` so that the pid
 * we kill is the process doing the work (the tsx CLI would leave its child running).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { WORKER_NODE_ARGS } from "../../scripts/worker-args";

export type Child = {
  proc: ChildProcess;
  pid: number;
  /** stdout lines so far */
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the first stdout line matching, or rejects when the process ends first */
  waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  killHard: () => Promise<void>;
};

export function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = ["--import", "tsx"],
): Child {
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let err = "";
  let partial = "";
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    partial += chunk;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters])
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    pid: proc.pid!,
    lines,
    stderr: () => err,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${script}: no line matching ${pattern} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(
            new Error(`${script} exited (${signal ?? code}) before printing ${pattern}; stderr: ${err.slice(-2000)}`),
          );
        });
      });
    },
    async killHard() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
  };
}

export const startWorker = (env: NodeJS.ProcessEnv, extra: Record<string, string> = {}) =>
  startNode("scripts/worker.ts", [], { ...env, HARBOR_ROLE: "worker", ...extra });

/** A worker started as `npm start` starts it: with its V8 heap cap (scripts/worker-args.ts). */
export const startCappedWorker = (env: NodeJS.ProcessEnv, extra: Record<string, string> = {}) =>
  startNode("scripts/worker.ts", [], { ...env, HARBOR_ROLE: "worker", ...extra }, WORKER_NODE_ARGS.slice(0, -1));

export const startAgent = (env: NodeJS.ProcessEnv, args: string[]) =>
  startNode("scripts/reliability/agent.ts", args, env);

/** Runs the agent's set-up and returns what it printed. */
export async function agentSetup<T>(env: NodeJS.ProcessEnv, spec: unknown): Promise<T> {
  const child = startAgent(env, ["setup", JSON.stringify(spec)]);
  const line = await child.waitForLine(/^[[{]/, 60_000);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`agent setup failed: ${child.stderr()}`);
  return JSON.parse(line) as T;
}
