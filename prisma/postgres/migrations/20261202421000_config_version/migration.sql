-- What ingest reads on every request is kept in each process's memory, valid while this one
-- row's version stays the same. Triggers bump it on every change that matters to ingest, whoever
-- writes (the app, another process, a cascade, a manual fix), so no writer can forget to.
CREATE TABLE "ConfigVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);
INSERT INTO "ConfigVersion" ("id", "version") VALUES (1, 0);

-- The body is an escape string: the migration runner splits scripts at every semicolon, so the
-- body spells its statement ends as \x3B.
CREATE FUNCTION "bump_config_version"() RETURNS trigger LANGUAGE plpgsql
AS E'BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1\x3B RETURN NULL\x3B END';

CREATE TRIGGER "ApiKey_config" AFTER DELETE OR UPDATE OF "revokedAt", "hash", "projectId", "mode", "name" ON "ApiKey"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
CREATE TRIGGER "Project_config" AFTER DELETE OR UPDATE OF "name", "public" ON "Project"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
CREATE TRIGGER "WebhookPolicy_config" AFTER INSERT OR DELETE OR UPDATE OF "projectId", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts" ON "WebhookPolicy"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
CREATE TRIGGER "WebhookTarget_config" AFTER INSERT OR DELETE OR UPDATE OF "policyId", "position", "type", "status" ON "WebhookTarget"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
CREATE TRIGGER "SystemSettings_config" AFTER INSERT OR UPDATE OF "webhooksEnabled", "maxAttempts", "registryTokenEnc" ON "SystemSettings"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
