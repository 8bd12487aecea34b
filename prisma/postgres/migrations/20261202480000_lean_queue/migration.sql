-- The durable queue moves out of the history: one narrow row per open task (Pending or Running),
-- with integer times (epoch milliseconds) and one index, claimed and leased without rewriting the
-- task's history row and its indexes. The lease columns and the claim index leave "Task".
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

ALTER TABLE "Task" DROP COLUMN "leaseOwner",
DROP COLUMN "leaseUntil";
