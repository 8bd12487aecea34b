// PostgreSQL connections cut under a running worker (pg_terminate_backend: the local server is
// shared, so it is not restarted): the worker reconnects, keeps its LISTEN wake-ups and finishes,
// losing nothing. Runs with TEST_DATABASE=postgres. (SQLite under concurrent writers: crash.test.ts.)
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwnDatabase, onPostgres, type OwnDatabase } from "../helpers/own-database";
import { agentSetup, startAgent, startWorker, type Child } from "./processes";
import { until } from "../helpers/until";
import { startCountingReceiver, type CountingReceiver } from "../helpers/receiver";
import { recordFigure } from "./figures";

const POLICIES = 10;
const EVENTS = 300;

describe.skipIf(!onPostgres())("PostgreSQL connections terminated mid-run", () => {
  let own: OwnDatabase;
  let rx: CountingReceiver;
  const children: Child[] = [];
  beforeAll(async () => {
    own = await createOwnDatabase("pgfault");
    rx = await startCountingReceiver();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => c.killHard()));
    await rx?.close();
    await own?.dispose();
  });

  /** Cuts every connection to our database (the worker's pool and LISTEN client, our reader's). */
  async function terminateAll(): Promise<number> {
    const admin = new pg.Client({
      connectionString: process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
    });
    await admin.connect();
    try {
      const r = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [own.name],
      );
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it("the worker reconnects (queries and LISTEN) and delivers everything", async () => {
    const policies = Array.from({ length: POLICIES }, (_, i) => ({
      name: `pg-${i}`,
      event_types: ["PUSH_ARTIFACT"],
      targets: [{ type: "http", address: rx.url }],
    }));
    const s = await agentSetup<{ projectId: number; policies: { id: number }[] }>(own.env, {
      project: "pgfault",
      policies,
    });
    const ingest = startAgent(own.env, ["ingest", String(s.projectId), String(EVENTS)]);
    children.push(ingest);
    await ingest.waitForLine(/^done /, 60_000);

    const worker = startWorker(own.env, { WORKER_LEASE_MS: "1500", WORKER_CONCURRENCY: "16", LOG_LEVEL: "info" });
    children.push(worker);
    let cuts = 0;
    let terminated = 0;
    for (const mark of [300, 1_200, 2_100]) {
      await until(() => rx.total() >= mark, 60_000, `${mark} deliveries`).catch((err) => {
        throw new Error(
          `${(err as Error).message}; worker exit ${worker.proc.exitCode}, output:\n${worker.lines.slice(-20).join("\n")}\n${worker.stderr().slice(-3000)}`,
        );
      });
      terminated += await terminateAll();
      cuts++;
    }
    const total = EVENTS * POLICIES;
    const done = () => own.db.task.count({ where: { status: "Success" } }).catch(() => -1);
    await until(async () => (await done()) === total, 90_000, "every task Success after the cuts");
    expect(worker.proc.exitCode).toBeNull();

    // LISTEN is back: a new event is taken at once, not at the next poll.
    await until(() => worker.lines.some((l) => l.includes("LISTEN connection restored")), 20_000, "LISTEN restored");
    const more = startAgent(own.env, ["ingest", String(s.projectId), "20"]);
    children.push(more);
    await more.waitForLine(/^done 20$/, 60_000);
    await until(async () => (await done()) === total + 20 * POLICIES, 30_000, "the new events delivered");

    const lost = (await own.db.task.findMany({ select: { webhookId: true } })).filter(
      (t) => !rx.seen.has(t.webhookId),
    ).length;
    recordFigure("postgres.terminate", {
      cuts,
      connectionsTerminated: terminated,
      deliveries: total + 20 * POLICIES,
      lost,
    });
    console.log(
      `pg faults: ${cuts} cuts, ${terminated} connections terminated, ${total + 20 * POLICIES} deliveries, lost ${lost}, worker alive`,
    );
    expect(lost).toBe(0);
    expect(worker.proc.exitCode).toBeNull();
  }, 180_000);
});
