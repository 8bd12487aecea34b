-- Delivery counts per target and time bucket (minute, hour and day), kept by the recorder as results
-- are written, so charts read a few rows instead of scanning attempts. Not tied to executions:
-- the history's retention purge leaves them. A target's last success and last failure reason, for its health.
ALTER TABLE "WebhookTarget" ADD COLUMN "lastSuccessAt" TIMESTAMP(3);
ALTER TABLE "WebhookTarget" ADD COLUMN "lastFailureReason" TEXT;

CREATE TABLE "DeliveryRollup" (
    "targetId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "grain" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "outcome" TEXT NOT NULL,
    "deliveries" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "latencyMs" BIGINT NOT NULL DEFAULT 0,
    "le100" INTEGER NOT NULL DEFAULT 0,
    "le250" INTEGER NOT NULL DEFAULT 0,
    "le500" INTEGER NOT NULL DEFAULT 0,
    "le1000" INTEGER NOT NULL DEFAULT 0,
    "le2500" INTEGER NOT NULL DEFAULT 0,
    "le5000" INTEGER NOT NULL DEFAULT 0,
    "le10000" INTEGER NOT NULL DEFAULT 0,
    "le30000" INTEGER NOT NULL DEFAULT 0,
    "gt30000" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DeliveryRollup_pkey" PRIMARY KEY ("targetId","grain","bucket","outcome")
);

CREATE INDEX "DeliveryRollup_policyId_grain_bucket_idx" ON "DeliveryRollup"("policyId", "grain", "bucket");

CREATE INDEX "DeliveryRollup_grain_bucket_idx" ON "DeliveryRollup"("grain", "bucket");
