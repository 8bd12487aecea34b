-- Directory sign-in (OIDC, LDAP): the auth settings row, users' directory identities, Harbor's user groups
-- with the groups each directory user belongs to, and project members that are groups
-- (ProjectMember.userId becomes optional, groupId is added).
-- CreateTable
CREATE TABLE "UserIdentity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "cliSecretEnc" TEXT,
    "lastSignInAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "UserIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserGroup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "groupType" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "UserGroupMembership" (
    "userId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,

    PRIMARY KEY ("userId", "groupId"),
    CONSTRAINT "UserGroupMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "UserGroupMembership_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "UserGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthSettings" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "authMode" TEXT NOT NULL DEFAULT 'db',
    "oidcName" TEXT NOT NULL DEFAULT '',
    "oidcEndpoint" TEXT NOT NULL DEFAULT '',
    "oidcClientId" TEXT NOT NULL DEFAULT '',
    "oidcClientSecretEnc" TEXT,
    "oidcScope" TEXT NOT NULL DEFAULT 'openid,profile,email',
    "oidcVerifyCert" BOOLEAN NOT NULL DEFAULT true,
    "oidcUserClaim" TEXT NOT NULL DEFAULT '',
    "oidcGroupsClaim" TEXT NOT NULL DEFAULT '',
    "oidcAdminGroup" TEXT NOT NULL DEFAULT '',
    "oidcAutoOnboard" BOOLEAN NOT NULL DEFAULT false,
    "oidcLogout" BOOLEAN NOT NULL DEFAULT false,
    "ldapUrl" TEXT NOT NULL DEFAULT '',
    "ldapVerifyCert" BOOLEAN NOT NULL DEFAULT true,
    "ldapSearchDn" TEXT NOT NULL DEFAULT '',
    "ldapSearchPasswordEnc" TEXT,
    "ldapBaseDn" TEXT NOT NULL DEFAULT '',
    "ldapFilter" TEXT NOT NULL DEFAULT '',
    "ldapUid" TEXT NOT NULL DEFAULT 'uid',
    "ldapScope" INTEGER NOT NULL DEFAULT 2,
    "ldapGroupBaseDn" TEXT NOT NULL DEFAULT '',
    "ldapGroupFilter" TEXT NOT NULL DEFAULT '',
    "ldapGroupAttributeName" TEXT NOT NULL DEFAULT 'cn',
    "ldapGroupAdminDn" TEXT NOT NULL DEFAULT '',
    "ldapGroupMembershipAttribute" TEXT NOT NULL DEFAULT 'memberof',
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ProjectMember" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "userId" INTEGER,
    "groupId" INTEGER,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProjectMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProjectMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProjectMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "UserGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ProjectMember" ("createdAt", "id", "projectId", "role", "userId") SELECT "createdAt", "id", "projectId", "role", "userId" FROM "ProjectMember";
DROP TABLE "ProjectMember";
ALTER TABLE "new_ProjectMember" RENAME TO "ProjectMember";
CREATE INDEX "ProjectMember_userId_idx" ON "ProjectMember"("userId");
CREATE INDEX "ProjectMember_groupId_idx" ON "ProjectMember"("groupId");
CREATE UNIQUE INDEX "ProjectMember_projectId_userId_key" ON "ProjectMember"("projectId", "userId");
CREATE UNIQUE INDEX "ProjectMember_projectId_groupId_key" ON "ProjectMember"("projectId", "groupId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_userId_key" ON "UserIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_source_subject_key" ON "UserIdentity"("source", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "UserGroup_groupType_key_key" ON "UserGroup"("groupType", "key");

-- CreateIndex
CREATE INDEX "UserGroupMembership_groupId_idx" ON "UserGroupMembership"("groupId");

