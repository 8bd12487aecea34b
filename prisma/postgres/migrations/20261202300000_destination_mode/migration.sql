-- AlterTable
ALTER TABLE "WebhookPolicy" ADD COLUMN     "mode" TEXT;

-- Backfill: the mode of the API keys that may see and change each destination. Only a test-mode key
-- could give one a plain-http URL, so those are test. The others become live, the stricter mode
-- (a test-mode key no longer reaches them).
UPDATE "WebhookPolicy" SET "mode" = CASE
  WHEN EXISTS (SELECT 1 FROM "WebhookTarget" t WHERE t."policyId" = "WebhookPolicy"."id" AND lower(t."address") LIKE 'http:%') THEN 'test'
  ELSE 'live'
END
WHERE "kind" = 'destination';
