-- The durable queue moves out of the history: one narrow row per open task (Pending or Running),
-- with integer times (epoch milliseconds) and one index, claimed and leased without rewriting the
-- task's history row and its indexes. The lease columns and the claim index leave "Task", and so
-- do its indexes on columns a status move rewrites: open tasks are found through the queue, and a
-- policy's tasks by ("policyId", "id").
CREATE TABLE "QueueItem" (
    "taskId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "targetId" INTEGER NOT NULL,
    "dueAt" BIGINT NOT NULL,
    "leaseOwner" TEXT,
    CONSTRAINT "QueueItem_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Every open task carries over: a Pending one due when it was, a Running one leased to the same
-- worker until its lease ends (an expired lease is recovered as before). Times are ISO 8601 text.
INSERT INTO "QueueItem" ("taskId", "targetId", "dueAt", "leaseOwner")
SELECT "id", "targetId",
    CAST(ROUND((julianday(CASE WHEN "status" = 'Running' THEN COALESCE("leaseUntil", "nextAttemptAt") ELSE "nextAttemptAt" END) - 2440587.5) * 86400000) AS INTEGER),
    CASE WHEN "status" = 'Running' THEN COALESCE("leaseOwner", 'migrated') END
FROM "Task" WHERE "status" IN ('Pending', 'Running');

PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Task" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "executionId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "webhookId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "statusMessage" TEXT NOT NULL DEFAULT '',
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startTime" DATETIME,
    "endTime" DATETIME,
    CONSTRAINT "Task_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Task" ("createdAt", "endTime", "executionId", "id", "maxAttempts", "nextAttemptAt", "policyId", "runCount", "startTime", "status", "statusMessage", "targetId", "updatedAt", "webhookId") SELECT "createdAt", "endTime", "executionId", "id", "maxAttempts", "nextAttemptAt", "policyId", "runCount", "startTime", "status", "statusMessage", "targetId", "updatedAt", "webhookId" FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE UNIQUE INDEX "Task_webhookId_key" ON "Task"("webhookId");
CREATE INDEX "Task_executionId_idx" ON "Task"("executionId");
CREATE INDEX "Task_policyId_id_idx" ON "Task"("policyId", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

CREATE INDEX "QueueItem_dueAt_idx" ON "QueueItem"("dueAt");
