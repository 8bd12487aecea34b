// A task's status (and its execution's) changes in one place: the state machine in
// lib/delivery/task-state.ts, which knows the moves allowed and keeps the execution in step with its
// task. An UPDATE of either table anywhere else, a Prisma update of either model, or a row inserted
// with a status of its own would be a move nobody checks. The queue (QueueItem) is the state
// machine's too: a queue row written elsewhere could lease, hide or revive a task behind its back.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SCANNED = ["app", "lib", "components", "scripts"];
const STATE_MACHINE = "lib/delivery/task-state.ts";
const SKIPPED = [
  "lib/generated/",
  // The benchmark stages databases in shapes of its own (seeded history, tasks held back from the worker).
  "scripts/bench/",
];

const WRITES = [
  /UPDATE\s+"?(Task|Execution)"?\s/i,
  /\.(task|execution)\s*\.\s*(update|updateMany|upsert|updateManyAndReturn)\s*\(/,
  /INSERT\s+INTO\s+"?(Task|Execution)"?\s*\([^)]*"?status"?/i,
  /\.(task|execution)\s*\.\s*(create|createMany)\s*\(\s*\{[^}]*\bstatus\s*:/,
  /(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?QueueItem"?\s/i,
  /\.queueItem\s*\.\s*(create|createMany|update|updateMany|upsert|delete|deleteMany)\s*\(/,
];

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (SKIPPED.some((s) => `${rel}/`.startsWith(s))) return [];
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [rel] : [];
  });
}

/** Statements span lines: each write is looked for in the text, and reported by its line. */
function statusWrites(text: string): number[] {
  return WRITES.flatMap((re) =>
    [...text.matchAll(new RegExp(re.source, `${re.flags}g`))].map((m) => text.slice(0, m.index).split("\n").length),
  );
}

describe("status writes", () => {
  it("the scan recognises each kind of write", () => {
    expect(statusWrites('sql`UPDATE "Task" SET "status" = \'Pending\'`')).toEqual([1]);
    expect(statusWrites('x\nsql`UPDATE "Execution" SET "endTime" = ${now}`')).toEqual([2]);
    expect(statusWrites('db.task.updateMany({ where: {}, data: { status: "Error" } })')).toEqual([1]);
    expect(statusWrites("tx.execution.update({ where: { id } })")).toEqual([1]);
    expect(statusWrites('INSERT INTO "Task" ("executionId", "status")\nVALUES (1, \'Running\')')).toEqual([1]);
    expect(statusWrites('INSERT INTO "Task" ("executionId", "webhookId") VALUES (1, \'m\')')).toEqual([]);
    expect(statusWrites('db.task.create({ data: { executionId: 1, status: "Running" } })')).toEqual([1]);
    expect(statusWrites('db.task.findMany({ where: { status: "Pending" } })')).toEqual([]);
    expect(statusWrites('UPDATE "WebhookTarget" SET "status" = \'paused\'')).toEqual([]);
    expect(statusWrites('sql`DELETE FROM "QueueItem" WHERE "taskId" = 1`')).toEqual([1]);
    expect(statusWrites("db.queueItem.update({ where: { taskId: 1 }, data: { dueAt: 0 } })")).toEqual([1]);
    expect(statusWrites("db.queueItem.count({ where: { leaseOwner: null } })")).toEqual([]);
  });

  it("happen only in the task state machine", () => {
    const files = SCANNED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(STATE_MACHINE);
    expect(statusWrites(fs.readFileSync(path.join(ROOT, STATE_MACHINE), "utf8")).length).toBeGreaterThan(0);
    const offenders = files
      .filter((f) => f !== STATE_MACHINE)
      .flatMap((f) => statusWrites(fs.readFileSync(path.join(ROOT, f), "utf8")).map((line) => `${f}:${line}`));
    expect(offenders, `move tasks through ${STATE_MACHINE}`).toEqual([]);
  });
});
