-- The durable queue moves out of the history: one narrow row per open task (Pending or Running),
-- with integer times (epoch milliseconds) and one index, claimed and leased without rewriting the
-- task's history row and its indexes. The lease columns and the claim index leave "Task", and so
-- do its indexes on columns a status move rewrites: open tasks are found through the queue, and a
-- policy's tasks by ("policyId", "id"). With no indexed column changing, and room left on each
-- page (fillfactor), PostgreSQL updates a task in place (HOT) without touching its indexes.
CREATE TABLE "QueueItem" (
    "taskId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "dueAt" BIGINT NOT NULL,
    "leaseOwner" TEXT,

    CONSTRAINT "QueueItem_pkey" PRIMARY KEY ("taskId")
);

-- Every open task carries over: a Pending one due when it was, a Running one leased to the same
-- worker until its lease ends (an expired lease is recovered as before).
INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt", "leaseOwner")
SELECT "id", "targetId",
    (EXTRACT(EPOCH FROM (CASE WHEN "status" = 'Running' THEN COALESCE("leaseUntil", "nextAttemptAt") ELSE "nextAttemptAt" END)) * 1000)::BIGINT,
    CASE WHEN "status" = 'Running' THEN COALESCE("leaseOwner", 'migrated') END
FROM "Task" WHERE "status" IN ('Pending', 'Running');

CREATE INDEX "QueueItem_dueAt_idx" ON "QueueItem"("dueAt");

ALTER TABLE "QueueItem" ADD CONSTRAINT "QueueItem_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

DROP INDEX "Task_status_nextAttemptAt_idx";

DROP INDEX "Task_targetId_status_idx";

DROP INDEX "Task_policyId_status_updatedAt_idx";

CREATE INDEX "Task_policyId_id_idx" ON "Task"("policyId", "id");

ALTER TABLE "Task" SET (fillfactor = 80);

ALTER TABLE "Task" DROP COLUMN "leaseOwner",
DROP COLUMN "leaseUntil";
