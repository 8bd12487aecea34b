-- AlterTable: the table is rebuilt (as Prisma redefines SQLite tables) so the column sits where the schema has it.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurAt" INTEGER NOT NULL,
    "operator" TEXT NOT NULL DEFAULT '',
    "eventData" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "bodyHash" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Event_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Event" ("id", "projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "idempotencyKey", "createdAt") SELECT "id", "projectId", "type", "occurAt", "operator", "eventData", "requestId", "source", "idempotencyKey", "createdAt" FROM "Event";
DROP TABLE "Event";
ALTER TABLE "new_Event" RENAME TO "Event";
CREATE INDEX "Event_projectId_createdAt_idx" ON "Event"("projectId", "createdAt");
CREATE UNIQUE INDEX "Event_projectId_idempotencyKey_key" ON "Event"("projectId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
