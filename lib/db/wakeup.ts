import { EventEmitter } from "node:events";
import { dialect, getDb } from "@/lib/db/client";

/**
 * Telling workers that tasks are due; call after the commit that made them due. PostgreSQL:
 * NOTIFY, which every worker LISTENs to. SQLite: workers watch the database's write-ahead log,
 * so a commit in any process wakes them. In-process listeners (tests, benchmarks) get an event.
 */
export const TASKS_CHANNEL = "harbor_tasks";
export const localWakeups = new EventEmitter();
localWakeups.setMaxListeners(100);

export async function notifyWorkers() {
  localWakeups.emit("due");
  if (dialect() !== "postgresql") return;
  const db = await getDb();
  await db.$executeRawUnsafe(`SELECT pg_notify('${TASKS_CHANNEL}', '')`);
}
