-- What ingest reads on every request is kept in each process's memory, valid while this one
-- row's version stays the same. Triggers bump it on every change that matters to ingest, whoever
-- writes (the app, another process, a cascade, a manual fix), so no writer can forget to.
CREATE TABLE "ConfigVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "ConfigVersion" ("id", "version") VALUES (1, 0);

CREATE TRIGGER "ApiKey_config_update" AFTER UPDATE OF "revokedAt", "hash", "projectId", "mode", "name" ON "ApiKey"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ApiKey_config_delete" AFTER DELETE ON "ApiKey"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "Project_config_update" AFTER UPDATE OF "name", "public" ON "Project"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Project_config_delete" AFTER DELETE ON "Project"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "WebhookPolicy_config_insert" AFTER INSERT ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookPolicy_config_update" AFTER UPDATE OF "projectId", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts" ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookPolicy_config_delete" AFTER DELETE ON "WebhookPolicy"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "WebhookTarget_config_insert" AFTER INSERT ON "WebhookTarget"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookTarget_config_update" AFTER UPDATE OF "policyId", "position", "type", "status" ON "WebhookTarget"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "WebhookTarget_config_delete" AFTER DELETE ON "WebhookTarget"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "SystemSettings_config_insert" AFTER INSERT ON "SystemSettings"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "SystemSettings_config_update" AFTER UPDATE OF "webhooksEnabled", "maxAttempts", "registryTokenEnc" ON "SystemSettings"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
