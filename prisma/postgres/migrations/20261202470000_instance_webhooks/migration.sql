-- Instance-wide webhook policies: a policy without a project (projectId null) applies to the events of
-- every project whose name matches projectPattern (a glob, or null for every project).
ALTER TABLE "WebhookPolicy" ADD COLUMN "projectPattern" TEXT,
ALTER COLUMN "projectId" DROP NOT NULL;

-- The ConfigVersion trigger (20261202421000_config_version) also watches the project pattern that ingest
-- matches, besides the content conditions (20261202460000_event_catalog_conditions).
DROP TRIGGER "WebhookPolicy_config" ON "WebhookPolicy";
CREATE TRIGGER "WebhookPolicy_config" AFTER INSERT OR DELETE OR UPDATE OF "projectId", "projectPattern", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts", "conditions" ON "WebhookPolicy"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
