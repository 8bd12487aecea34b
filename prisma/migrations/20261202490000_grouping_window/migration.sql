-- Grouping windows: a policy may collect events of one type and repository for a few seconds into
-- one delivery. The group's members are kept beside its task, so an open window survives a restart.
-- AlterTable
ALTER TABLE "WebhookPolicy" ADD COLUMN "groupingWindowSeconds" INTEGER;

-- CreateTable
CREATE TABLE "GroupMember" (
    "taskId" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "groupKey" TEXT NOT NULL,
    "sameKey" TEXT NOT NULL,

    PRIMARY KEY ("taskId", "eventId"),
    CONSTRAINT "GroupMember_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupMember_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "GroupMember_targetId_groupKey_idx" ON "GroupMember"("targetId", "groupKey");

-- CreateIndex
CREATE INDEX "GroupMember_eventId_idx" ON "GroupMember"("eventId");


-- Ingest keeps each project's policies in memory (lib/db/config-cache.ts): the ConfigVersion
-- trigger also watches the grouping window, so a change takes effect at the next event everywhere.
DROP TRIGGER "WebhookPolicy_config_update";
CREATE TRIGGER "WebhookPolicy_config_update" AFTER UPDATE OF "projectId", "projectPattern", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts", "conditions", "groupingWindowSeconds" ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
