import type { Row } from "./scenarios";

/**
 * What limits each kind of figure and what would fix it. The run's own evidence (a CPU profile,
 * query plans, a memory breakdown) is printed beside it, so the note can be checked against the
 * numbers of the same run.
 */
const ANALYSIS: [prefix: string, text: string][] = [
  [
    "throughput",
    [
      "**What limits it.** A worker process is bound by its own CPU (see the profile: it is on CPU almost all the time). For every recorded delivery it runs its share of three batched database steps — a claim (the task's queue row leased; the task and its execution marked Running), a load (one `SELECT` joining task, execution, event, target and policy) and a recording (the queue row deleted, the task and its execution finished, one attempt row carrying the attempt's log lines) — then renders the payload (once per event in a batch for Default and Slack), signs it (HMAC-SHA256), sends it through undici and keeps its scheduling state. The raw baseline does only the send. The statement-cost rows of the results table measure the three database steps per delivery with the same code in one process, statement by statement; what the worker spends beyond them per delivery (1 ÷ its deliveries per second) is the HTTP client, Node's socket and timer work, garbage collection and our own code (see the profile's groups).",
      "On PostgreSQL the curve shows what two cores allow (see the CPU lines under the results table): one worker already keeps most of a core busy, PostgreSQL takes a fraction of one, and the receiver and the benchmark process the rest; a second worker can only take what is left of the second core, and at four workers the processes mostly wait for CPU.",
      "**What was tried.** The queue apart from the history (`QueueItem`: task, target, due time and lease owner as integer milliseconds, one index): a claim leases those narrow rows, a lease renewal writes nothing else, and an ended delivery deletes its row. `Task` keeps no index on a column a move rewrites, so a move rewrites the row only (PostgreSQL in place, HOT). On SQLite every step runs small statements of constant text, prepared once; on PostgreSQL a batch's results are one statement of constant text with the outcomes as arrays. Payloads are rendered and events parsed once per batch; an attempt's log lines live in its attempt row (one row written instead of four).",
      "**What would fix it.** (1) Not writing the history at all when a task is claimed: Running read from the lease instead of the status column. Status filters, counts and sorting in the Harbor API, /v1 and the UI would then be computed, which the status index that keeps the history pages under 100 ms at 1,000,000 tasks can no longer serve. (2) One history row per delivery instead of two (a task and its execution are one-to-one, and every move writes both). (3) Scale out for real: the workers are independent, so on machines of their own (with the database on its own cores) the throughput adds up; this benchmark runs everything on 2 cores.",
    ].join("\n\n"),
  ],
  [
    "latency, SQLite",
    [
      "**What limits it.** At a steady rate a worker rarely has more than one or two tasks to claim at a time, so every delivery pays for a claim, a load and a recording of its own (see the profile for where that CPU goes). On SQLite the claim and the recording are write transactions that wait for the database's one write lock, which the ingesting process takes for every event as well; a wait behind the other process's write, a garbage-collection pause or a moment without CPU on this 2-core machine is what the tail (p95/p99) consists of.",
      "**What would fix it.** Cheaper rounds: the claim of the next task inside the recording transaction (one write instead of two per round). For latency-sensitive installations: PostgreSQL, which has row locks instead of one database lock.",
    ].join("\n\n"),
  ],
  [
    "latency, PostgreSQL",
    "**What limits it.** At a steady 200 events/s each delivery is claimed, loaded and recorded nearly on its own (batches of one or two): a read, a claim, a load and a recording transaction, each a round trip to PostgreSQL, per delivery; the tail (p99) is the moments when that worker, PostgreSQL and the ingesting process want the two cores at once, plus garbage-collection pauses. **What would fix it**: the claim of the next tasks inside the recording transaction (fewer round trips), and more cores.",
  ],
  [
    "fan-out",
    "**What limits it.** One event becomes 1,000 tasks, and a worker takes them in claim batches of at most 100, paying a claim, a load and a recording per batch, plus rendering, signing and recording each delivery: the same per-delivery cost the throughput figure shows (fan-out time ≈ 1,000 ÷ the worker's deliveries per second), while the raw baseline only sends. **What would fix it**: what speeds up throughput (above); with several workers a fan-out is split between them by `SKIP LOCKED`.",
  ],
  [
    "ingest",
    [
      "**What limits it.** The web server answers both ingest endpoints itself (no Next.js in the request), reads the key, its project, the settings and the targets from memory (one primary-key read of `ConfigVersion` per request) and commits concurrent events together with multi-row statements (one idempotency lookup and one `INSERT` each for a commit's events, executions and tasks). What remains: (a) the HTTP work every request costs in Node and the request's own checks (JSON parse, depth and text checks, the event schema): the Node.js internals and socket-write shares of the profile; `validate_only`, which writes nothing, is itself far below the raw rate; (b) the database's work per event: its Event, Execution, Task and queue rows carry 18 indexes between them, each a B-tree insert, and on SQLite every commit writes each changed page to the write-ahead log (about 100 µs for the smallest commit on this machine's disk, with a checkpoint every 1,000 pages); a shared commit shares the pages that sequential keys touch, not those random keys touch (the task's webhook-id, text timestamps). On PostgreSQL a commit is four or five round trips plus the WAL flush (`synchronous_commit=on`), several commits side by side, and the web server waits for PostgreSQL for a third of the time. An envelope saves each event's HTTP, authentication and round trips: on PostgreSQL that reaches 5× the single-event rate; on SQLite the rows' own work dominates both paths.",
      "**What was tried.** The lean ingest path (no Next.js in the request), configuration in memory with a version read per request, group commit with multi-row statements, a registry envelope as one transaction, its retag bookkeeping (the manifests and tags a repository holds, for TAG_CREATED) read and written in four statements per envelope instead of four per event (one round trip each on PostgreSQL: that had cut the envelope rate by a third), and fewer index entries per event (the task's status and lease indexes are gone; its queue row has one integer index). The statement-cost rows of the results table give each ingest statement's cost per delivery.",
      "**What would fix it.** (1) Cheaper checks per request: one pass over the parsed body instead of the depth walk, the text walk and the schema. (2) On PostgreSQL, one round trip for the whole commit (the statements sent together) instead of one per statement. (3) Cores of its own: here the load generator, the web server and the database share 2 cores, while the raw baseline's receiver does nothing.",
    ].join("\n\n"),
  ],
  [
    "backlog",
    "**What limits it.** The breakdown below shows where the resident memory goes: the V8 heap (used, plus what V8 keeps reserved — it grows the heap while there is room rather than collecting early) and about 100 MB outside the heap (code, Prisma's WebAssembly query compiler, stacks, native buffers). It does not grow with the backlog — compare the two halves of the drain below — because what a worker holds is bounded: deliveries in flight, a few held per busy target, results waiting to be written. **What would fix it**: a heap limit for the worker process (`node --max-old-space-size=…` in its start command; `BENCH_NODE_ARGS` tries one here) trades some garbage-collection time for a bounded heap; fewer objects per delivery (the payload rendered once per event rather than per target, outcomes without copies of headers and log lines) lowers the peak; the worker still loads Prisma's client and query compiler for its few model queries (settings, retention), and moving those to the driver too would drop them.",
  ],
  [
    "history",
    "**What limits it.** The query plans and timings below show what the database spends; the rest of the server time is authentication (the session check), the other queries of the page (policy, settings, signing keys) and rendering. The pagination total is counted exactly up to 10,000; beyond that PostgreSQL answers with its planner estimate and SQLite counts exactly once per 30 s per filter (`lib/history/queries.ts`), because an exact `count(*)` over 900,000 executions took tens of milliseconds on every page view.",
  ],
  [
    "isolation",
    "**What limits it.** Requests to black-holed targets hold connections and memory until their timeout; each is moved to the slow lane after 250 ms, and its target gets one delivery at a time. A drop below 80% means the slow lane still takes too much from the healthy targets (CPU for timers and sockets on this 2-core machine).",
  ],
];

/** What limits a missed figure and what would fix it, with the run's own evidence. */
export function limitsNote(step: string, missed: Row[], profile: string, detail: string): string {
  const analysis = ANALYSIS.find(([prefix]) => step.startsWith(prefix))?.[1];
  return [
    `### ${step}`,
    "",
    ...missed.map((r) => `- ${r.figure}: ${r.value} (target ${r.target}).`),
    ...(profile ? [profile] : []),
    ...(analysis ? ["", analysis] : []),
    ...(detail ? ["", detail] : []),
    "",
  ].join("\n");
}
