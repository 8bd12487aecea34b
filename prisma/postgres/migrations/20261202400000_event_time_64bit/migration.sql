-- occurAt in 64 bits: event times after 2038-01-19 (unix seconds beyond 2^31-1)
-- AlterTable
ALTER TABLE "Event" ALTER COLUMN "occurAt" SET DATA TYPE BIGINT;

