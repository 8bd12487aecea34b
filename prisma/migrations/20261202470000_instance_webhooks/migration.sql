-- Instance-wide webhook policies: a policy without a project (projectId null) applies to the events of
-- every project whose name matches projectPattern (a glob, or null for every project).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_WebhookPolicy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "publicId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'policy',
    "projectId" INTEGER,
    "projectPattern" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "eventTypes" TEXT NOT NULL,
    "repoPattern" TEXT,
    "tagPattern" TEXT,
    "maxAttempts" INTEGER,
    "backoffBaseMs" INTEGER,
    "backoffCapMs" INTEGER,
    "timeoutMs" INTEGER,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "creator" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "mode" TEXT,
    "conditions" TEXT,
    CONSTRAINT "WebhookPolicy_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_WebhookPolicy" ("backoffBaseMs", "backoffCapMs", "conditions", "createdAt", "creator", "description", "enabled", "eventTypes", "id", "kind", "maxAttempts", "metadata", "mode", "name", "projectId", "publicId", "repoPattern", "tagPattern", "timeoutMs", "updatedAt") SELECT "backoffBaseMs", "backoffCapMs", "conditions", "createdAt", "creator", "description", "enabled", "eventTypes", "id", "kind", "maxAttempts", "metadata", "mode", "name", "projectId", "publicId", "repoPattern", "tagPattern", "timeoutMs", "updatedAt" FROM "WebhookPolicy";
DROP TABLE "WebhookPolicy";
ALTER TABLE "new_WebhookPolicy" RENAME TO "WebhookPolicy";
CREATE UNIQUE INDEX "WebhookPolicy_publicId_key" ON "WebhookPolicy"("publicId");
CREATE INDEX "WebhookPolicy_projectId_name_idx" ON "WebhookPolicy"("projectId", "name");
CREATE INDEX "WebhookPolicy_projectId_kind_id_idx" ON "WebhookPolicy"("projectId", "kind", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
-- Rebuilding the table dropped its ConfigVersion triggers (20261202421000_config_version): again,
-- the update trigger now also watching the project pattern that ingest matches (and, as before,
-- the content conditions of 20261202460000_event_catalog_conditions).
CREATE TRIGGER "WebhookPolicy_config_insert" AFTER INSERT ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookPolicy_config_update" AFTER UPDATE OF "projectId", "projectPattern", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts", "conditions" ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookPolicy_config_delete" AFTER DELETE ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
