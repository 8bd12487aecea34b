-- AlterTable
ALTER TABLE "WebhookTarget" ADD COLUMN "payloadTemplate" TEXT;
ALTER TABLE "WebhookTarget" ADD COLUMN "contentType" TEXT;
ALTER TABLE "WebhookTarget" ADD COLUMN "customHeadersEnc" TEXT;
