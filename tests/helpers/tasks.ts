import { getDb } from "@/lib/db/client";
import { taskLogLines } from "@/lib/history/task-log";
import { until } from "./until";

/**
 * The first task of a policy once its status is one of `statuses`, with its attempts, its
 * execution and its log as readers see it (lib/history/task-log.ts).
 */
export const taskOnceStatus = (policyId: number, ...statuses: string[]) =>
  until(async () => {
    const db = await getDb();
    const t = await db.task.findFirst({
      where: { policyId },
      include: { attempts: { orderBy: { number: "asc" } }, execution: true },
    });
    if (!t || !statuses.includes(t.status)) return undefined;
    return { ...t, logs: (await taskLogLines([t.id])).get(t.id) ?? [] };
  });
