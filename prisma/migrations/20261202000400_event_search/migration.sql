-- AlterTable
ALTER TABLE "Event" ADD COLUMN "digest" TEXT;
ALTER TABLE "Event" ADD COLUMN "repository" TEXT;
ALTER TABLE "Event" ADD COLUMN "tag" TEXT;

-- CreateIndex
CREATE INDEX "Event_projectId_repository_id_idx" ON "Event"("projectId", "repository", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_tag_id_idx" ON "Event"("projectId", "tag", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_digest_id_idx" ON "Event"("projectId", "digest", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_operator_id_idx" ON "Event"("projectId", "operator", "id");


-- Backfill: the same rule as lib/events/search-fields.ts (repository.repo_full_name, the first resource's tag and digest).
UPDATE "Event" SET
  "repository" = CASE WHEN json_type("eventData", '$.repository.repo_full_name') = 'text' THEN NULLIF(substr(json_extract("eventData", '$.repository.repo_full_name'), 1, 512), '') END,
  "tag" = CASE WHEN json_type("eventData", '$.resources[0].tag') = 'text' THEN NULLIF(substr(json_extract("eventData", '$.resources[0].tag'), 1, 512), '') END,
  "digest" = CASE WHEN json_type("eventData", '$.resources[0].digest') = 'text' THEN NULLIF(substr(json_extract("eventData", '$.resources[0].digest'), 1, 512), '') END
WHERE json_valid("eventData");
