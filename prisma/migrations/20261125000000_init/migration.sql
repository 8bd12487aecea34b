-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "email" TEXT,
    "passwordHash" TEXT NOT NULL,
    "sysadmin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Project" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "public" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProjectMember" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProjectMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProjectMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SystemSettings" (
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
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookPolicy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "publicId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'policy',
    "projectId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "eventTypes" TEXT NOT NULL,
    "repoPattern" TEXT,
    "tagPattern" TEXT,
    "maxAttempts" INTEGER,
    "backoffBaseMs" INTEGER,
    "backoffCapMs" INTEGER,
    "timeoutMs" INTEGER,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "creator" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WebhookPolicy_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookTarget" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "policyId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "type" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "authHeaderEnc" TEXT,
    "skipCertVerify" BOOLEAN NOT NULL DEFAULT false,
    "payloadFormat" TEXT NOT NULL DEFAULT 'Default',
    "status" TEXT NOT NULL DEFAULT 'active',
    "pausedReason" TEXT,
    "pausedAt" DATETIME,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "firstFailureAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WebhookTarget_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "WebhookPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "policyId" INTEGER NOT NULL,
    "secretEnc" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    CONSTRAINT "SigningKey_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "WebhookPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurAt" INTEGER NOT NULL,
    "operator" TEXT NOT NULL DEFAULT '',
    "eventData" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Event_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Execution" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "policyId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "eventId" INTEGER NOT NULL,
    "vendorType" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "statusMessage" TEXT NOT NULL DEFAULT '',
    "trigger" TEXT NOT NULL DEFAULT 'EVENT',
    "startTime" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endTime" DATETIME,
    CONSTRAINT "Execution_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "WebhookPolicy" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Execution_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "WebhookTarget" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Execution_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Task" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "executionId" INTEGER NOT NULL,
    "policyId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,
    "webhookId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "statusMessage" TEXT NOT NULL DEFAULT '',
    "runCount" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" DATETIME,
    "leaseOwner" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startTime" DATETIME,
    "endTime" DATETIME,
    CONSTRAINT "Task_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "Execution" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "responseStatus" INTEGER,
    "responseExcerpt" TEXT,
    "error" TEXT,
    "requestHeaders" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "Attempt_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL DEFAULT 'INFO',
    "message" TEXT NOT NULL,
    CONSTRAINT "TaskLog_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "mode" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "ApiKey_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "projectId" INTEGER,
    "objectType" TEXT NOT NULL,
    "objectId" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT ''
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE INDEX "ProjectMember_userId_idx" ON "ProjectMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectMember_projectId_userId_key" ON "ProjectMember"("projectId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookPolicy_publicId_key" ON "WebhookPolicy"("publicId");

-- CreateIndex
CREATE INDEX "WebhookPolicy_projectId_name_idx" ON "WebhookPolicy"("projectId", "name");

-- CreateIndex
CREATE INDEX "WebhookPolicy_projectId_kind_id_idx" ON "WebhookPolicy"("projectId", "kind", "id");

-- CreateIndex
CREATE INDEX "WebhookTarget_policyId_idx" ON "WebhookTarget"("policyId");

-- CreateIndex
CREATE INDEX "SigningKey_policyId_createdAt_idx" ON "SigningKey"("policyId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_projectId_createdAt_idx" ON "Event"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Event_projectId_idempotencyKey_key" ON "Event"("projectId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Execution_policyId_id_idx" ON "Execution"("policyId", "id");

-- CreateIndex
CREATE INDEX "Execution_policyId_status_idx" ON "Execution"("policyId", "status");

-- CreateIndex
CREATE INDEX "Execution_policyId_startTime_idx" ON "Execution"("policyId", "startTime");

-- CreateIndex
CREATE INDEX "Execution_eventId_idx" ON "Execution"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "Task_webhookId_key" ON "Task"("webhookId");

-- CreateIndex
CREATE INDEX "Task_status_nextAttemptAt_idx" ON "Task"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Task_status_leaseUntil_idx" ON "Task"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "Task_executionId_idx" ON "Task"("executionId");

-- CreateIndex
CREATE INDEX "Task_targetId_status_idx" ON "Task"("targetId", "status");

-- CreateIndex
CREATE INDEX "Task_policyId_status_updatedAt_idx" ON "Task"("policyId", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "Attempt_taskId_number_idx" ON "Attempt"("taskId", "number");

-- CreateIndex
CREATE INDEX "TaskLog_taskId_id_idx" ON "TaskLog"("taskId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_projectId_idx" ON "ApiKey"("projectId");

-- CreateIndex
CREATE INDEX "AuditLog_projectId_at_idx" ON "AuditLog"("projectId", "at");

