import { getDb } from "@/lib/db/client";
import { decodeAttemptLog, type LogLine } from "@/lib/shared/attempt-log";

/**
 * A task's log as readers see it: its TaskLog rows (stops, redeliveries, older attempts) and the
 * lines each Attempt row carries (lib/shared/attempt-log.ts), oldest first. On equal times a
 * TaskLog line comes first, and an attempt's lines keep their order.
 */
export async function taskLogLines(taskIds: number[]): Promise<Map<number, LogLine[]>> {
  const result = new Map<number, LogLine[]>();
  if (taskIds.length === 0) return result;
  const db = await getDb();
  const [rows, attempts] = await Promise.all([
    db.taskLog.findMany({
      where: { taskId: { in: taskIds } },
      orderBy: { id: "asc" },
      select: { taskId: true, at: true, level: true, message: true },
    }),
    db.attempt.findMany({
      where: { taskId: { in: taskIds }, log: { not: "" } },
      orderBy: [{ taskId: "asc" }, { number: "asc" }, { id: "asc" }],
      select: { taskId: true, log: true },
    }),
  ]);
  const add = (taskId: number, lines: LogLine[]) => result.set(taskId, [...(result.get(taskId) ?? []), ...lines]);
  for (const r of rows) add(r.taskId, [{ at: r.at, level: r.level, message: r.message }]);
  for (const a of attempts) add(a.taskId, decodeAttemptLog(a.log));
  for (const lines of result.values()) lines.sort((a, b) => a.at.getTime() - b.at.getTime());
  return result;
}
