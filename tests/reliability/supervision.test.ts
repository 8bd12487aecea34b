// `npm start` keeps its web server and worker together (lib/process/supervise.ts): a child that
// dies, even by SIGKILL, takes the whole start down with a non-zero exit and a line saying which
// child ended and how; SIGTERM to `npm start` stops both children and exits 0. The web server cuts
// off clients that send their headers or body too slowly (lib/process/web-server.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createWebServer } from "@/lib/process/web-server";
import { env, resetEnvCache } from "@/lib/config/env";
import { PEER_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { recordFigure } from "./figures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "supervise-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A start script like scripts/start.ts whose children are the given node snippets. */
function runSupervisor(children: Record<string, string>, opts: { signalAfterMs?: number } = {}) {
  const script = path.join(dir, `start-${Math.random().toString(36).slice(2)}.ts`);
  const specs = Object.entries(children).map(([role, code]) => ({ role, args: ["-e", code], env: {} }));
  fs.writeFileSync(
    script,
    `import { superviseChildren } from ${JSON.stringify(path.resolve("lib/process/supervise.ts"))};\n` +
      `superviseChildren(${JSON.stringify(specs)}, { graceMs: 2000 });\n` +
      `console.log("started");\n`,
  );
  const proc = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  proc.stderr.on("data", (d) => (stderr += d));
  proc.stdout.on("data", (d) => {
    stdout += d;
    if (opts.signalAfterMs !== undefined && stdout.includes("started"))
      setTimeout(() => proc.kill("SIGTERM"), opts.signalAfterMs);
  });
  return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    const started = Date.now();
    proc.on("exit", (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

const LIVES = "setInterval(() => {}, 1000)";
const KILLS_ITSELF = "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300)";

describe("npm start's supervision", () => {
  it.each([["web"], ["worker"]])(
    "the %s child killed by SIGKILL: the start exits 137 and says so",
    async (victim) => {
      const result = await runSupervisor({
        web: victim === "web" ? KILLS_ITSELF : LIVES,
        worker: victim === "worker" ? KILLS_ITSELF : LIVES,
      });
      expect(result.code).toBe(137);
      expect(result.stderr).toContain(`${victim} was killed by SIGKILL; stopping the other processes`);
      recordFigure(`npm start: ${victim} SIGKILLed`, { exitCode: result.code ?? -1, msToExit: result.ms });
    },
    30_000,
  );

  it("a child that exits with an error code: that code; one that exits 0 on its own: 1", async () => {
    expect((await runSupervisor({ web: LIVES, worker: "process.exit(3)" })).code).toBe(3);
    expect((await runSupervisor({ web: "setTimeout(() => process.exit(0), 200)", worker: LIVES })).code).toBe(1);
  }, 30_000);

  it("SIGTERM to the start stops both children and exits 0", async () => {
    const result = await runSupervisor({ web: LIVES, worker: LIVES }, { signalAfterMs: 300 });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/stopping the other processes/);
  }, 30_000);
});

describe("the web server's request timeouts", () => {
  it("default to 15 s for headers and 60 s for the whole request; a headers timeout above the request's is refused", () => {
    resetEnvCache();
    expect(env()).toMatchObject({ HTTP_HEADERS_TIMEOUT_MS: 15_000, HTTP_REQUEST_TIMEOUT_MS: 60_000 });
    process.env.HTTP_HEADERS_TIMEOUT_MS = "90000";
    resetEnvCache();
    try {
      expect(() => env()).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS \(60000\)/);
    } finally {
      delete process.env.HTTP_HEADERS_TIMEOUT_MS;
      resetEnvCache();
    }
  });

  async function withServer(fn: (port: number, seen: string[]) => Promise<void>) {
    const seen: string[] = [];
    const server = createWebServer(
      (req, res) => {
        seen.push(String(req.headers[PEER_ADDRESS_HEADER]));
        req.resume();
        req.on("end", () => res.end("ok"));
      },
      { HTTP_HEADERS_TIMEOUT_MS: 1000, HTTP_REQUEST_TIMEOUT_MS: 2000 },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await fn((server.address() as net.AddressInfo).port, seen);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  /** Sends `parts` one every `everyMs`; resolves with what the server answered and when the connection closed. */
  function trickle(port: number, parts: string[], everyMs: number) {
    return new Promise<{ answer: string; ms: number }>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      const started = Date.now();
      let answer = "";
      let i = 0;
      const timer = setInterval(() => {
        if (i < parts.length && !socket.destroyed) socket.write(parts[i++]);
      }, everyMs);
      socket.on("data", (d) => (answer += d));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        clearInterval(timer);
        resolve({ answer, ms: Date.now() - started });
      });
    });
  }

  it("headers sent a byte at a time are cut off with 408 after the headers timeout", async () => {
    await withServer(async (port) => {
      const slow = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200);
      const r = await trickle(port, slow.split(""), 50);
      expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(r.ms).toBeLessThan(4000);
      recordFigure("web server: slow headers cut off", { ms: r.ms });
    });
  }, 20_000);

  it("a body sent slowly is cut off with 408 after the request timeout; the peer address is stamped over a forged one", async () => {
    await withServer(async (port, seen) => {
      const head = `POST / HTTP/1.1\r\nHost: x\r\n${PEER_ADDRESS_HEADER}: 203.0.113.9\r\nContent-Length: 1000\r\n\r\n`;
      const r = await trickle(port, [head, ...Array(100).fill("b")], 100);
      expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(r.ms).toBeLessThan(5000);
      expect(seen).toEqual(["127.0.0.1"]);
      recordFigure("web server: slow body cut off", { ms: r.ms });
    });
  }, 20_000);
});
