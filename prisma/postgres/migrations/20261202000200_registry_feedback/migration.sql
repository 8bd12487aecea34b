-- CreateTable
CREATE TABLE "RegistryFeed" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "duplicate" INTEGER NOT NULL DEFAULT 0,
    "ignored" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "lastReceivedAt" TIMESTAMP(3),
    "lastSource" TEXT,
    "lastIgnoredReason" TEXT,
    "lastIgnoredAt" TIMESTAMP(3),
    "lastRejectedReason" TEXT,
    "lastRejectedAt" TIMESTAMP(3),

    CONSTRAINT "RegistryFeed_pkey" PRIMARY KEY ("id")
);


-- The one row the endpoint adds to (lib/events/registry-feed.ts).
INSERT INTO "RegistryFeed" ("id") VALUES (1);
