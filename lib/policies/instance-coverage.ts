import type { ProjectAccess } from "@/lib/auth/access";
import { getDb } from "@/lib/db/client";
import { projectPatternMatches } from "@/lib/policies/project-pattern";
import { policyEventTypes } from "@/lib/policies/service";
import type { InstanceCoverage } from "@/lib/shared/webhook-views";

/**
 * The instance-wide webhooks whose project pattern takes in this project (all of them, enabled or
 * not, so the project's admins know what a system admin may switch on), by name.
 */
export async function instanceCoverage({ project }: ProjectAccess<"webhook.coverage">): Promise<InstanceCoverage[]> {
  const db = await getDb();
  const policies = await db.webhookPolicy.findMany({
    where: { projectId: null, kind: "policy" },
    select: {
      name: true,
      enabled: true,
      eventTypes: true,
      projectPattern: true,
      targets: { select: { type: true }, orderBy: { position: "asc" } },
    },
    orderBy: { name: "asc" },
  });
  return policies
    .filter((p) => projectPatternMatches(p.projectPattern, project.name))
    .map((p) => ({
      name: p.name,
      enabled: p.enabled,
      event_types: policyEventTypes(p),
      target_types: [...new Set(p.targets.map((t) => t.type))],
    }));
}
