-- An execution filter on the event's columns (repository, tag, digest, operator) reads the matching
-- events' executions of one policy: (eventId, policyId) answers that from the index alone.
DROP INDEX "Execution_eventId_idx";
CREATE INDEX "Execution_eventId_policyId_idx" ON "Execution"("eventId", "policyId");
