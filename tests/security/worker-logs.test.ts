// Secrets never reach the logs or the recorded history: a worker process at log level "trace"
// delivers (success, 500 with retries, refused address, Slack) for a policy with an auth header, a
// signing key and a Slack URL whose path is its secret; its output, the task logs, the recorded
// request headers and status messages are scanned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type LocalServer } from "../helpers/receiver";
import { createOwnDatabase, type OwnDatabase } from "../helpers/own-database";
import { agentSetup, startAgent, startWorker, type Child } from "../reliability/processes";
import { until } from "../helpers/until";

const AUTH = "Bearer worker-log-secret-7f3a9c";
const SLACK_SECRET = "XoXoSecretPathToken123";

let own: OwnDatabase;
let rx: LocalServer;
const children: Child[] = [];
beforeAll(async () => {
  own = await createOwnDatabase("logs");
  let n = 0;
  rx = await startServer((req, res) => {
    // /fail answers 500 twice, then 200; everything else 200.
    if (req.url === "/fail" && ++n <= 2) res.statusCode = 500;
    res.end(req.url === "/fail" ? "boom" : "ok");
  });
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => c.killHard()));
  await rx?.close();
  await own?.dispose();
});

describe("logs and history of a real worker", () => {
  it("contain no auth header, signing secret or Slack URL secret", async () => {
    const base = `http://127.0.0.1:${rx.port}`;
    const s = await agentSetup<{ projectId: number; policies: { id: number; signingSecret: string }[] }>(
      { ...own.env, LOG_LEVEL: "trace" },
      {
        project: "logs",
        policies: [
          {
            name: "secrets",
            event_types: ["PUSH_ARTIFACT"],
            retry_policy: { max_attempts: 3, backoff_base_ms: 100 },
            targets: [
              { type: "http", address: `${base}/ok`, auth_header: AUTH },
              { type: "http", address: `${base}/fail`, auth_header: AUTH, payload_format: "CloudEvents" },
              { type: "http", address: "http://10.0.0.1/hook", auth_header: AUTH },
              { type: "slack", address: `${base}/services/T000/B000/${SLACK_SECRET}` },
            ],
          },
        ],
      },
    );
    const ingest = startAgent({ ...own.env, LOG_LEVEL: "trace" }, ["ingest", String(s.projectId), "2"]);
    children.push(ingest);
    await ingest.waitForLine(/^done/, 60_000);
    const worker = startWorker(own.env, { LOG_LEVEL: "trace", RETRY_BACKOFF_SCALE: "0.01" });
    children.push(worker);
    await until(
      async () => (await own.db.task.count({ where: { status: { in: ["Success", "Error"] } } })) === 8,
      30_000,
      "all eight deliveries finished",
    );
    // The receiver did get the header: the secret is real and was in play.
    expect(rx.requests.some((r) => r.headers.authorization === AUTH)).toBe(true);
    await worker.killHard();

    const signing = s.policies[0].signingSecret;
    const secrets = {
      "auth header": AUTH.slice("Bearer ".length),
      "signing secret": signing.slice("whsec_".length),
      "Slack URL path": SLACK_SECRET,
    };
    const output = `${worker.lines.join("\n")}\n${worker.stderr()}\n${ingest.lines.filter((l) => !l.startsWith("accepted")).join("\n")}\n${ingest.stderr()}`;
    expect(worker.lines.length).toBeGreaterThan(0);
    const tasks = await own.db.task.findMany({ include: { attempts: true, logs: true, execution: true } });
    const history = JSON.stringify(
      tasks.map((t) => ({
        status: t.statusMessage,
        exec: t.execution.statusMessage,
        logs: t.logs.map((l) => l.message),
        attempts: t.attempts.map((a) => [a.requestHeaders, a.error, a.log]),
      })),
    );
    for (const [name, value] of Object.entries(secrets)) {
      expect(output.includes(value), `the ${name} is in the worker's or the web side's log output`).toBe(false);
      expect(history.includes(value), `the ${name} is in the recorded history`).toBe(false);
    }
    const failed = tasks.find((t) => t.attempts.some((a) => a.responseStatus === 500))!;
    expect(JSON.parse(failed.attempts[0].requestHeaders).Authorization).toBe("••••••••");
    console.log(
      `worker logs: ${worker.lines.length} log lines at trace and ${tasks.length} task histories scanned, 0 secrets`,
    );
  }, 90_000);
});
