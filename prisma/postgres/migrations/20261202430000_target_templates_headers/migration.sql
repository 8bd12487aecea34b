-- AlterTable
ALTER TABLE "WebhookTarget" ADD COLUMN     "payloadTemplate" TEXT,
ADD COLUMN     "contentType" TEXT,
ADD COLUMN     "customHeadersEnc" TEXT;
