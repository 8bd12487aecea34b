-- Operator alerts (lib/alerts): a target paused or resumed, one per change of its state, and digests
-- of deliveries that failed after their last attempt, written with the state change and sent by a worker.
-- CreateTable
CREATE TABLE "OperatorAlert" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "policyId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "projectId" INTEGER,
    "targetType" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "cause" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "operator" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "deliveries" INTEGER NOT NULL DEFAULT 0,
    "firstFailedAt" TIMESTAMP(3),
    "lastFailedAt" TIMESTAMP(3),
    "sampleEventIds" TEXT NOT NULL DEFAULT '[]',
    "claimedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "emailStatus" TEXT NOT NULL DEFAULT 'pending',
    "emailDetail" TEXT NOT NULL DEFAULT '',
    "emailedTo" TEXT NOT NULL DEFAULT '',
    "eventId" INTEGER,
    "eventDetail" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "OperatorAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OperatorAlert_sentAt_dueAt_idx" ON "OperatorAlert"("sentAt", "dueAt");

-- CreateIndex
CREATE INDEX "OperatorAlert_policyId_id_idx" ON "OperatorAlert"("policyId", "id");

-- CreateIndex
CREATE INDEX "OperatorAlert_targetId_kind_id_idx" ON "OperatorAlert"("targetId", "kind", "id");

-- AddForeignKey
ALTER TABLE "OperatorAlert" ADD CONSTRAINT "OperatorAlert_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "WebhookPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

