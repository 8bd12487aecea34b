import { getDb } from "@/lib/db/client";

/** Everything a delivery needs, for a batch of claimed tasks, in one query. */
export async function loadClaimedTasks(ids: number[]) {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.task.findMany({
    where: { id: { in: ids } },
    include: { execution: { include: { event: true, target: true, policy: { include: { signingKeys: true } } } } },
  });
}

export type ClaimedTask = Awaited<ReturnType<typeof loadClaimedTasks>>[number];
