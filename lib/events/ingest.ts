import crypto from "node:crypto";
import picomatch from "picomatch";
import { getDb, type Tx } from "@/lib/db/client";
import { newMessageId } from "@/lib/delivery/signature";
import { notifyWorkers } from "@/lib/delivery/wakeup";
import type { HarborEvent } from "@/lib/events/types";
import { policyEventTypes } from "@/lib/policies/service";
import { getSettings } from "@/lib/settings/settings";

export type EventSource = "registry" | "api" | "test";

export type IngestRequest = {
  projectId: number;
  event: HarborEvent;
  source: EventSource;
  requestId?: string;
  idempotencyKey?: string;
  /** "Send test event": deliver to this policy only, whatever its filters and switch. */
  onlyPolicyId?: number;
};

export type IngestResult =
  | { status: "accepted"; eventId: number; deliveries: number; duplicate: boolean }
  | { status: "skipped"; reason: "webhooks_disabled" };

type PolicyRow = Awaited<ReturnType<typeof candidatePolicies>>[number];

/** The repository and tags an event is about, for the policy filters. */
export function eventSubject(event: HarborEvent): { repository?: string; tags: string[] } {
  const data = event.event_data as { repository?: { repo_full_name?: unknown }; resources?: { tag?: unknown }[] };
  const repository = typeof data.repository?.repo_full_name === "string" ? data.repository.repo_full_name : undefined;
  const tags = (Array.isArray(data.resources) ? data.resources : []).map((r) => r?.tag).filter((t): t is string => typeof t === "string");
  return { repository, tags };
}

/** Whether a policy's optional repository/tag patterns accept the event (no pattern = everything). */
export function filtersMatch(policy: { repoPattern: string | null; tagPattern: string | null }, event: HarborEvent): boolean {
  const { repository, tags } = eventSubject(event);
  if (policy.repoPattern && !(repository && picomatch.isMatch(repository, policy.repoPattern, { dot: true }))) return false;
  if (policy.tagPattern && !tags.some((t) => picomatch.isMatch(t, policy.tagPattern!, { dot: true }))) return false;
  return true;
}

async function candidatePolicies(tx: Tx, projectId: number, onlyPolicyId?: number) {
  return tx.webhookPolicy.findMany({
    where: onlyPolicyId ? { id: onlyPolicyId, projectId } : { projectId, enabled: true },
    include: { targets: { where: { status: "active" }, orderBy: { position: "asc" } } },
  });
}

/**
 * Records an event and one execution + task per matching (policy × target), in one transaction,
 * so an accepted event is never lost. While webhooks are globally disabled the event is skipped
 * (counted), as Harbor does.
 */
export async function ingestEvent(req: IngestRequest): Promise<IngestResult> {
  const db = await getDb();
  const result = await db.$transaction(async (tx): Promise<IngestResult> => {
    const settings = await getSettings(tx);
    if (!settings.webhooksEnabled && !req.onlyPolicyId) {
      await tx.systemSettings.update({ where: { id: 1 }, data: { skippedEvents: { increment: 1 } } });
      return { status: "skipped", reason: "webhooks_disabled" };
    }
    if (req.idempotencyKey) {
      const seen = await tx.event.findUnique({
        where: { projectId_idempotencyKey: { projectId: req.projectId, idempotencyKey: req.idempotencyKey } },
        select: { id: true, _count: { select: { executions: true } } },
      });
      if (seen) return { status: "accepted", eventId: seen.id, deliveries: seen._count.executions, duplicate: true };
    }
    const event = await tx.event.create({
      data: {
        projectId: req.projectId,
        type: req.event.type,
        occurAt: req.event.occur_at,
        operator: req.event.operator,
        eventData: JSON.stringify(req.event.event_data),
        requestId: req.requestId ?? crypto.randomUUID(),
        source: req.source,
        idempotencyKey: req.idempotencyKey ?? null,
      },
    });
    const policies = (await candidatePolicies(tx, req.projectId, req.onlyPolicyId)).filter(
      (p) => req.onlyPolicyId || (policyEventTypes(p).includes(req.event.type) && filtersMatch(p, req.event)),
    );
    const deliveries = await createDeliveries(tx, event.id, req.event.type, policies, settings.maxAttempts, req.onlyPolicyId ? "MANUAL" : "EVENT");
    return { status: "accepted", eventId: event.id, deliveries, duplicate: false };
  });
  if (result.status === "accepted" && result.deliveries > 0 && !result.duplicate) await notifyWorkers();
  return result;
}

async function createDeliveries(tx: Tx, eventId: number, eventType: string, policies: PolicyRow[], defaultAttempts: number, trigger: string) {
  const pairs = policies.flatMap((policy) => policy.targets.map((target) => ({ policy, target })));
  if (pairs.length === 0) return 0;
  const executions = await tx.execution.createManyAndReturn({
    data: pairs.map(({ policy, target }) => ({
      policyId: policy.id,
      targetId: target.id,
      eventId,
      eventType,
      vendorType: target.type === "slack" ? "SLACK" : "WEBHOOK",
      trigger,
    })),
    select: { id: true, policyId: true, targetId: true },
  });
  const attempts = new Map(policies.map((p) => [p.id, p.maxAttempts ?? defaultAttempts]));
  await tx.task.createMany({
    data: executions.map((e) => ({
      executionId: e.id,
      policyId: e.policyId,
      targetId: e.targetId,
      webhookId: newMessageId(),
      maxAttempts: attempts.get(e.policyId)!,
    })),
  });
  return executions.length;
}
