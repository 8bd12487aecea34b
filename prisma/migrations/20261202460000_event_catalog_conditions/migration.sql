-- Event types beyond Harbor's ten: a project's deletion event outlives the project (Event.projectId
-- null), manifests and tags seen per repository (TAG_CREATED), and content conditions per policy.
-- AlterTable
ALTER TABLE "WebhookPolicy" ADD COLUMN "conditions" TEXT;

-- CreateTable
CREATE TABLE "RegistryManifest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "repository" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "firstEventKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RegistryManifest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RegistryTag" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RegistryTag_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER,
    "type" TEXT NOT NULL,
    "occurAt" BIGINT NOT NULL,
    "operator" TEXT NOT NULL DEFAULT '',
    "eventData" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "bodyHash" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "digest" TEXT,
    "repository" TEXT,
    "tag" TEXT,
    CONSTRAINT "Event_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Event" ("bodyHash", "createdAt", "digest", "eventData", "id", "idempotencyKey", "occurAt", "operator", "projectId", "repository", "requestId", "source", "tag", "type") SELECT "bodyHash", "createdAt", "digest", "eventData", "id", "idempotencyKey", "occurAt", "operator", "projectId", "repository", "requestId", "source", "tag", "type" FROM "Event";
DROP TABLE "Event";
ALTER TABLE "new_Event" RENAME TO "Event";
CREATE INDEX "Event_projectId_createdAt_idx" ON "Event"("projectId", "createdAt");
CREATE INDEX "Event_projectId_repository_id_idx" ON "Event"("projectId", "repository", "id");
CREATE INDEX "Event_projectId_tag_id_idx" ON "Event"("projectId", "tag", "id");
CREATE INDEX "Event_projectId_digest_id_idx" ON "Event"("projectId", "digest", "id");
CREATE INDEX "Event_projectId_operator_id_idx" ON "Event"("projectId", "operator", "id");
CREATE UNIQUE INDEX "Event_projectId_idempotencyKey_key" ON "Event"("projectId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "RegistryManifest_projectId_repository_digest_key" ON "RegistryManifest"("projectId", "repository", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "RegistryTag_projectId_repository_tag_key" ON "RegistryTag"("projectId", "repository", "tag");


-- A change of a policy's conditions matters to ingest: the config version trigger watches the column.
DROP TRIGGER "WebhookPolicy_config_update";
CREATE TRIGGER "WebhookPolicy_config_update" AFTER UPDATE OF "projectId", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts", "conditions" ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
