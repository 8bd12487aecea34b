-- The SMTP server email targets are sent through, its password stored encrypted.
ALTER TABLE "SystemSettings" ADD COLUMN "smtpHost" TEXT NOT NULL DEFAULT '';
ALTER TABLE "SystemSettings" ADD COLUMN "smtpPort" INTEGER NOT NULL DEFAULT 587;
ALTER TABLE "SystemSettings" ADD COLUMN "smtpTlsMode" TEXT NOT NULL DEFAULT 'starttls';
ALTER TABLE "SystemSettings" ADD COLUMN "smtpUser" TEXT NOT NULL DEFAULT '';
ALTER TABLE "SystemSettings" ADD COLUMN "smtpPasswordEnc" TEXT;
ALTER TABLE "SystemSettings" ADD COLUMN "smtpFrom" TEXT NOT NULL DEFAULT '';
