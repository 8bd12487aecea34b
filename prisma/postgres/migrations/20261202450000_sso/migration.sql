-- Directory sign-in (OIDC, LDAP): the auth settings row, users' directory identities, Harbor's user groups
-- with the groups each directory user belongs to, and project members that are groups
-- (ProjectMember.userId becomes optional, groupId is added).
-- AlterTable
ALTER TABLE "ProjectMember" ADD COLUMN     "groupId" INTEGER,
ALTER COLUMN "userId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "UserIdentity" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "cliSecretEnc" TEXT,
    "lastSignInAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserGroup" (
    "id" SERIAL NOT NULL,
    "groupType" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserGroupMembership" (
    "userId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,

    CONSTRAINT "UserGroupMembership_pkey" PRIMARY KEY ("userId","groupId")
);

-- CreateTable
CREATE TABLE "AuthSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_userId_key" ON "UserIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "UserIdentity_source_subject_key" ON "UserIdentity"("source", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "UserGroup_groupType_key_key" ON "UserGroup"("groupType", "key");

-- CreateIndex
CREATE INDEX "UserGroupMembership_groupId_idx" ON "UserGroupMembership"("groupId");

-- CreateIndex
CREATE INDEX "ProjectMember_groupId_idx" ON "ProjectMember"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectMember_projectId_groupId_key" ON "ProjectMember"("projectId", "groupId");

-- AddForeignKey
ALTER TABLE "UserIdentity" ADD CONSTRAINT "UserIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserGroupMembership" ADD CONSTRAINT "UserGroupMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserGroupMembership" ADD CONSTRAINT "UserGroupMembership_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "UserGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "UserGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

