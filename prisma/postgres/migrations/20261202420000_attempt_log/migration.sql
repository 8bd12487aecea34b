-- An attempt's standard task log lines (start, request, result, retry or giving up) are kept in its
-- Attempt row instead of one TaskLog row each: recording a delivery writes one row, not four.
-- Existing TaskLog rows stay as they are and are read together with the attempts' lines.
ALTER TABLE "Attempt" ADD COLUMN "log" TEXT NOT NULL DEFAULT '';

-- Expired leases are found among the Running tasks by the (status, nextAttemptAt) index, as few
-- tasks run at once. An index on the lease, rewritten at every claim, renewal and result, is not needed.
DROP INDEX "Task_status_leaseUntil_idx";
