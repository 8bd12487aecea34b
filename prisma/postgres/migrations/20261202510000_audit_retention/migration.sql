-- How long the audit log keeps its entries (a system setting, purged with the history), and the
-- index the purge and the audit log's time filter read.
ALTER TABLE "SystemSettings" ADD COLUMN "auditRetentionDays" INTEGER NOT NULL DEFAULT 365;

CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
