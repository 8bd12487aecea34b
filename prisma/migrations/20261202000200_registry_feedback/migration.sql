-- CreateTable
CREATE TABLE "RegistryFeed" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicate" INTEGER NOT NULL DEFAULT 0,
    "ignored" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "lastReceivedAt" DATETIME,
    "lastSource" TEXT,
    "lastIgnoredReason" TEXT,
    "lastIgnoredAt" DATETIME,
    "lastRejectedReason" TEXT,
    "lastRejectedAt" DATETIME
);


-- The one row the endpoint adds to (lib/events/registry-feed.ts).
INSERT INTO "RegistryFeed" ("id") VALUES (1);
