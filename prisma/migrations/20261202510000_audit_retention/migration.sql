-- How long the audit log keeps its entries (a system setting, purged with the history), and the
-- index the purge and the audit log's time filter read.
-- SQLite appends added columns after the closing line of the table, so the table is rebuilt
-- (as Prisma redefines tables) to keep its stored definition the one the schema builds.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SystemSettings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "webhooksEnabled" BOOLEAN NOT NULL DEFAULT true,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "httpTimeoutMs" INTEGER NOT NULL DEFAULT 3000,
    "allowedNetworks" TEXT NOT NULL DEFAULT '',
    "registryTokenEnc" TEXT,
    "retentionCount" INTEGER NOT NULL DEFAULT 1000,
    "retentionDays" INTEGER NOT NULL DEFAULT 30,
    "destinationLimit" INTEGER NOT NULL DEFAULT 100,
    "signingOverlapHours" INTEGER NOT NULL DEFAULT 24,
    "skippedEvents" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    "smtpHost" TEXT NOT NULL DEFAULT '',
    "smtpPort" INTEGER NOT NULL DEFAULT 587,
    "smtpTlsMode" TEXT NOT NULL DEFAULT 'starttls',
    "smtpUser" TEXT NOT NULL DEFAULT '',
    "smtpPasswordEnc" TEXT,
    "smtpFrom" TEXT NOT NULL DEFAULT '',
    "auditRetentionDays" INTEGER NOT NULL DEFAULT 365
);
INSERT INTO "new_SystemSettings" ("id", "webhooksEnabled", "maxAttempts", "httpTimeoutMs", "allowedNetworks", "registryTokenEnc", "retentionCount", "retentionDays", "destinationLimit", "signingOverlapHours", "skippedEvents", "updatedAt", "smtpHost", "smtpPort", "smtpTlsMode", "smtpUser", "smtpPasswordEnc", "smtpFrom") SELECT "id", "webhooksEnabled", "maxAttempts", "httpTimeoutMs", "allowedNetworks", "registryTokenEnc", "retentionCount", "retentionDays", "destinationLimit", "signingOverlapHours", "skippedEvents", "updatedAt", "smtpHost", "smtpPort", "smtpTlsMode", "smtpUser", "smtpPasswordEnc", "smtpFrom" FROM "SystemSettings";
DROP TABLE "SystemSettings";
ALTER TABLE "new_SystemSettings" RENAME TO "SystemSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
-- Rebuilding the table dropped its ConfigVersion triggers (20261202421000_config_version): again.
CREATE TRIGGER "SystemSettings_config_insert" AFTER INSERT ON "SystemSettings"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "SystemSettings_config_update" AFTER UPDATE OF "webhooksEnabled", "maxAttempts", "registryTokenEnc" ON "SystemSettings"
BEGIN UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
