import { spawn } from "node:child_process";
import readline from "node:readline";
import { request } from "undici";
import { freePort, nowMs, rssSampler, sleep } from "./harness";

export const E2E_LOCK = "/tmp/harbor-e2e.lock";

/** Every app start of this run: how long it waited for the e2e lock and for a rebuild. */
export const appStarts: { waitedS: number; builtS: number }[] = [];

export type App = {
  base: string;
  /** seconds spent waiting for the e2e lock, and building (0 when the build was fresh) */
  waitedS: number;
  builtS: number;
  peakRss: () => number;
  stop: () => Promise<void>;
};

/**
 * The built app (the web server `npm start` runs, no delivery worker) on a free loopback port, on the database this
 * process points at. Holds the e2e lock while it runs: the build in .next is shared with the
 * end-to-end tests, and is rebuilt first if the sources are newer.
 */
export async function startApp(opts: { cpuProfileDir?: string } = {}): Promise<App> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = nowMs();
  // Bounded wait: an end-to-end run holds the lock for its whole run (BENCH_LOCK_WAIT_S, default 10 minutes).
  const lockWaitS = process.env.BENCH_LOCK_WAIT_S ?? "600";
  const child = spawn(
    "flock",
    ["-w", lockWaitS, "-E", "75", E2E_LOCK, process.execPath, "--import", "tsx", "scripts/bench/serve-app.ts"],
    {
      env: {
        ...process.env,
        BENCH_PORT: String(port),
        PORT: String(port),
        NEXTAUTH_URL: base,
        EXTERNAL_URL: base,
        HARBOR_ROLE: "web",
        NEXT_TELEMETRY_DISABLED: "1",
        // The ingest benchmark sends thousands of requests a second with one key.
        API_RATE_LIMIT_PER_MINUTE: "100000000",
        ...(opts.cpuProfileDir ? { BENCH_APP_CPU_PROF_DIR: opts.cpuProfileDir } : {}),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let lockedAt = 0;
  let builtS = 0;
  let serverPid = 0;
  let failure = "";
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on("line", (line) => {
    if (!line.startsWith("BENCH:")) return void (line.trim() && process.stdout.write(`   [app] ${line}\n`));
    const [what, arg] = line.slice(6).split(" ");
    if (what === "locked") lockedAt = nowMs();
    if (what === "built") builtS = Number(arg);
    if (what === "server") serverPid = Number(arg);
    if (what === "build-failed") failure = `next build failed; see ${arg}`;
  });
  let exited = false;
  child.once("exit", (code) => {
    exited = true;
    if (code === 75) failure = `gave up after ${lockWaitS} s waiting for ${E2E_LOCK} (an end-to-end run held it)`;
  });
  const deadline = Date.now() + 15 * 60_000;
  let warned = false;
  for (;;) {
    if (failure || exited) throw new Error(failure || "the app server exited before it answered");
    if (Date.now() > deadline) throw new Error("the app server did not answer within 15 minutes");
    if (!lockedAt && !warned && nowMs() - t0 > 2_000) {
      warned = true;
      process.stdout.write(`(waiting for ${E2E_LOCK}: an end-to-end run holds the build) `);
    }
    if (serverPid) {
      try {
        const res = await request(`${base}/login`, { method: "GET" });
        await res.body.text();
        if (res.statusCode === 200) break;
      } catch {
        /* not yet listening */
      }
    }
    await sleep(200);
  }
  const rss = rssSampler(serverPid);
  appStarts.push({ waitedS: (lockedAt - t0) / 1000, builtS });
  return {
    base,
    waitedS: (lockedAt - t0) / 1000,
    builtS,
    peakRss: rss.peak,
    async stop() {
      rss.stop();
      if (exited) return;
      const done = new Promise((r) => child.once("exit", r));
      // SIGTERM to the server itself: it exits cleanly (writing its CPU profile); serve-app and flock follow.
      try {
        process.kill(serverPid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await Promise.race([done, sleep(15_000)]);
      if (!exited) child.kill("SIGKILL");
    },
  };
}

/** Signs in with next-auth's credentials flow; returns the Cookie header of the session. */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (setCookie: string | string[] | undefined) => {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await request(`${base}/api/auth/csrf`);
  keep(csrf.headers["set-cookie"]);
  const { csrfToken } = (await csrf.body.json()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, username, password, callbackUrl: `${base}/projects`, json: "true" });
  const res = await request(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: form.toString(),
  });
  keep(res.headers["set-cookie"]);
  await res.body.text();
  const session = await request(`${base}/api/auth/session`, { headers: { cookie: cookie() } });
  const body = (await session.body.json()) as { user?: { name?: string } };
  if (body.user?.name !== username)
    throw new Error(`signing in as ${username} failed (callback answered ${res.statusCode})`);
  return cookie();
}
