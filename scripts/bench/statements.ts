// What each statement of the delivery path costs, per delivery: the same code the web server and
// the worker run (ingestEvent, the claim, the load, the recorder), called in this process one step
// at a time on a fresh database, with a stopwatch on every statement the raw driver runs
// (lib/db/raw.ts statementClock). No HTTP and no receiver: this is the database's share of a
// delivery, which the throughput figure adds the request, signing and the worker's own work to.
import { statementClock } from "../../lib/db/raw";
import { claimDueTasks } from "../../lib/delivery/queue";
import { loadClaimedTasks } from "../../lib/delivery/load";
import { createRecorder } from "../../lib/delivery/recorder";
import type { TaskOutcome } from "../../lib/delivery/outcome";
import { ingestEvent } from "../../lib/events/ingest";
import { acceptRegistryEnvelope } from "../../lib/events/ingest-http";
import { sampleEvent } from "../../lib/events/samples";
import { dbLabel, freshDatabase, nowMs, type DbKind } from "./harness";
import { ENVELOPE_EVENTS, registryEnvelope } from "./ingest";
import { setupTargets, type Row } from "./scenarios";

type Phase = "ingest" | "envelope" | "claim" | "load" | "record";
type Tally = Map<string, { ms: number; n: number }>;

/** A statement's label: its verb and table (the first of a WITH), e.g. `UPDATE "QueueItem"`. */
export function statementLabel(text: string): string {
  if (text === "COMMIT") return "COMMIT";
  const flat = text.replace(/\s+/g, " ").trim();
  const m = /\b(SELECT\b.*?\bFROM|INSERT INTO|UPDATE|DELETE FROM) ("\w+")/.exec(flat);
  const head = m ? `${m[1]!.startsWith("SELECT") ? "SELECT … FROM" : m[1]} ${m[2]}` : flat.slice(0, 40);
  return flat.startsWith("WITH") ? `WITH … ${head}` : head;
}

export async function statementCosts(kind: DbKind, opts: { targets: number; events: number }): Promise<Row[]> {
  const cleanup = await freshDatabase(kind);
  const tallies = new Map<Phase, Tally>();
  const wall = new Map<Phase, number>();
  let phase: Phase = "ingest";
  const during = async <T>(p: Phase, fn: () => Promise<T>): Promise<T> => {
    phase = p;
    const t = nowMs();
    try {
      return await fn();
    } finally {
      wall.set(p, (wall.get(p) ?? 0) + nowMs() - t);
    }
  };
  try {
    const project = await setupTargets(opts.targets, "http://127.0.0.1:9");
    const recorder = createRecorder({ owner: "bench-statements", autoPause: { failures: 1_000, windowMs: 0 } });
    statementClock.record = tallyInto(tallies, () => phase);
    for (let i = 0; i < opts.events; i++)
      await during("ingest", () =>
        ingestEvent({ projectId: project.id, event: sampleEvent("PUSH_ARTIFACT"), source: "api" }),
      );
    // The same events again, 50 to a registry envelope, through the handler the web server runs.
    const envelopes = Math.ceil(opts.events / ENVELOPE_EVENTS);
    for (let i = 0; i < envelopes; i++) {
      const body = Buffer.from(registryEnvelope(project.name, ENVELOPE_EVENTS));
      await during("envelope", () =>
        acceptRegistryEnvelope(
          { headers: new Headers(), searchParams: new URLSearchParams(), readBody: async () => body },
          { requestId: `bench-${i}` },
        ),
      );
    }
    let delivered = 0;
    for (;;) {
      const ids = await during("claim", () =>
        claimDueTasks({ owner: "bench-statements", limit: 100, leaseMs: 600_000 }),
      );
      if (ids.length === 0) break;
      const tasks = await during("load", () => loadClaimedTasks(ids));
      const now = new Date();
      await during("record", async () => {
        for (const t of tasks) recorder.add(success(t, now));
        await recorder.drain();
      });
      delivered += tasks.length;
    }
    const ingested = opts.targets * opts.events;
    const total = ingested + opts.targets * envelopes * ENVELOPE_EVENTS;
    if (delivered !== total) throw new Error(`recorded ${delivered} of ${total} deliveries`);
    return (["ingest", "envelope", "claim", "load", "record"] as Phase[]).map((p) =>
      row(
        kind,
        p,
        tallies.get(p)!,
        wall.get(p)!,
        p === "ingest" ? ingested : p === "envelope" ? total - ingested : total,
      ),
    );
  } finally {
    statementClock.record = undefined;
    await cleanup();
  }
}

function tallyInto(tallies: Map<Phase, Tally>, current: () => Phase) {
  return (text: string, ms: number) => {
    const p = current();
    const tally = tallies.get(p) ?? new Map();
    tallies.set(p, tally);
    const label = statementLabel(text);
    const t = tally.get(label) ?? { ms: 0, n: 0 };
    t.ms += ms;
    t.n += 1;
    tally.set(label, t);
  };
}

function success(t: Awaited<ReturnType<typeof loadClaimedTasks>>[number], now: Date): TaskOutcome {
  return {
    kind: "success",
    taskId: t.id,
    executionId: t.executionId,
    targetId: t.targetId,
    runCount: t.runCount + 1,
    endTime: now,
    attempt: {
      number: t.runCount + 1,
      startedAt: now,
      durationMs: 1,
      responseStatus: 200,
      requestHeaders: '{"Content-Type":"application/json"}',
    },
    logs: [
      { at: now, level: "INFO", message: "start to run webhook job (attempt 1 of 3)" },
      { at: now, level: "INFO", message: "success to run webhook job: response code 200" },
    ],
  };
}

const PHASES: Record<Phase, string> = {
  ingest: "ingestEvent: the event, its executions and tasks, and their queue rows, one event at a time",
  envelope: `registry envelopes of ${ENVELOPE_EVENTS} tagged pushes, each as POST /service/notifications handles it`,
  claim: "claim: batches of up to 100 due tasks",
  load: "load: the claimed tasks with their execution, event, target, policy and signing keys",
  record: "record: results written by the recorder (task, execution, attempt row, target health)",
};

function row(kind: DbKind, phase: Phase, tally: Tally, wallMs: number, deliveries: number): Row {
  const us = (ms: number) => ((ms * 1000) / deliveries).toFixed(0);
  const parts = [...tally.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([label, t]) => `\`${label}\` ${us(t.ms)} µs (${t.n.toLocaleString("en")}×)`);
  const inStatements = [...tally.values()].reduce((s, t) => s + t.ms, 0);
  return {
    figure: `Statement costs, ${dbLabel(kind)}, per delivery (${deliveries.toLocaleString("en")} deliveries): ${PHASES[phase]}`,
    value: `${us(wallMs)} µs in all, ${us(inStatements)} µs in statements: ${parts.join(", ")}`,
    baseline: "",
    target: "",
    pass: null,
  };
}
