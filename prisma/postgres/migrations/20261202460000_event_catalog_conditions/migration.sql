-- Event types beyond Harbor's ten: a project's deletion event outlives the project (Event.projectId
-- null), manifests and tags seen per repository (TAG_CREATED), and content conditions per policy.
-- AlterTable
ALTER TABLE "WebhookPolicy" ADD COLUMN     "conditions" TEXT;

-- AlterTable
ALTER TABLE "Event" ALTER COLUMN "projectId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "RegistryManifest" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "repository" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "firstEventKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegistryManifest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegistryTag" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegistryTag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RegistryManifest_projectId_repository_digest_key" ON "RegistryManifest"("projectId", "repository", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "RegistryTag_projectId_repository_tag_key" ON "RegistryTag"("projectId", "repository", "tag");

-- AddForeignKey
ALTER TABLE "RegistryManifest" ADD CONSTRAINT "RegistryManifest_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegistryTag" ADD CONSTRAINT "RegistryTag_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A change of a policy's conditions matters to ingest: the config version trigger watches the column.
DROP TRIGGER "WebhookPolicy_config" ON "WebhookPolicy";
CREATE TRIGGER "WebhookPolicy_config" AFTER INSERT OR DELETE OR UPDATE OF "projectId", "enabled", "eventTypes", "repoPattern", "tagPattern", "maxAttempts", "conditions" ON "WebhookPolicy"
FOR EACH STATEMENT EXECUTE FUNCTION "bump_config_version"();
