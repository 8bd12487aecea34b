import { getDb } from "@/lib/db/client";
import { policyEventTypes } from "@/lib/policies/service";
import { harborTime } from "@/lib/harbor-api/mappers";

/**
 * Harbor's `GET /projects/{p}/webhook/lasttrigger`: one entry per policy and event type it
 * subscribes to, with the time that event type last triggered the policy (the zero time if never).
 */
export async function harborLastTriggers(projectId: number | null) {
  const db = await getDb();
  const policies = await db.webhookPolicy.findMany({
    where: { projectId, kind: "policy" },
    orderBy: { id: "asc" },
    select: { id: true, name: true, enabled: true, createdAt: true, eventTypes: true },
  });
  if (policies.length === 0) return [];
  const latest = await db.execution.groupBy({
    by: ["policyId", "eventType"],
    // By the policies' project, not their ids: a project may have more policies than one
    // statement may bind parameters.
    where: { policy: { projectId, kind: "policy" } },
    _max: { startTime: true },
  });
  const at = new Map(latest.map((l) => [`${l.policyId} ${l.eventType}`, l._max.startTime]));
  return policies.flatMap((p) =>
    policyEventTypes(p).map((eventType) => ({
      policy_name: p.name,
      enabled: p.enabled,
      creation_time: harborTime(p.createdAt),
      last_trigger_time: harborTime(at.get(`${p.id} ${eventType}`)),
      event_type: eventType,
    })),
  );
}
