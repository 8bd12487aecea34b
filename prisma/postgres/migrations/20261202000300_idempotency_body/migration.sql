-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "bodyHash" TEXT;
