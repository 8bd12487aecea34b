-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "digest" TEXT,
ADD COLUMN     "repository" TEXT,
ADD COLUMN     "tag" TEXT;

-- CreateIndex
CREATE INDEX "Event_projectId_repository_id_idx" ON "Event"("projectId", "repository", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_tag_id_idx" ON "Event"("projectId", "tag", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_digest_id_idx" ON "Event"("projectId", "digest", "id");

-- CreateIndex
CREATE INDEX "Event_projectId_operator_id_idx" ON "Event"("projectId", "operator", "id");


-- Backfill: the same rule as lib/events/search-fields.ts (repository.repo_full_name, the first resource's tag and digest).
UPDATE "Event" e SET
  "repository" = CASE WHEN jsonb_typeof(d.j #> '{repository,repo_full_name}') = 'string' THEN NULLIF(left(d.j #>> '{repository,repo_full_name}', 512), '') END,
  "tag" = CASE WHEN jsonb_typeof(d.j #> '{resources,0,tag}') = 'string' THEN NULLIF(left(d.j #>> '{resources,0,tag}', 512), '') END,
  "digest" = CASE WHEN jsonb_typeof(d.j #> '{resources,0,digest}') = 'string' THEN NULLIF(left(d.j #>> '{resources,0,digest}', 512), '') END
FROM (SELECT "id", CAST("eventData" AS jsonb) AS j FROM "Event") d
WHERE d."id" = e."id";
