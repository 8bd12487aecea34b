"use server";
// Server actions of the webhook pages. Each one checks the session and the permission itself (a
// hidden button is no protection), validates with the same schemas as the REST API and calls the
// same services.
import { revalidatePath } from "next/cache";
import { requireProject } from "@/lib/auth/access";
import { requireUserAction } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/actions/result";
import { parseWith } from "@/lib/api/route";
import { hasUnstorableText } from "@/lib/unicode";
import { redeliverFailed, redeliverTask, stopExecution } from "@/lib/delivery/task-control";
import { ingestEvent } from "@/lib/events/ingest";
import { sampleEvent } from "@/lib/events/samples";
import { policyInputSchema } from "@/lib/shared/policy-input";
import {
  createPolicy,
  deletePolicy,
  getPolicyOrThrow,
  isPolicyNameTaken,
  resumeTarget,
  rotateSigningKey,
  setPolicyEnabled,
  updatePolicy,
} from "@/lib/policies/service";
import { redeliverRangeSchema } from "@/lib/harbor-api/inputs";
import { testEventSchema } from "@/lib/shared/test-event";

async function manage(project: string) {
  const actor = await requireUserAction();
  const { project: ref } = await requireProject(actor, project, "webhook.manage");
  return { actor, project: ref };
}

function refresh(project: string) {
  revalidatePath(`/projects/${encodeURIComponent(project)}/webhooks`, "layout");
}

/** Ids are positive 32-bit integers; anything else from the browser matches nothing. */
function id(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 && value <= 2_147_483_647 ? value : 0;
}

/** Creates a policy; the signing secret comes back here, once. */
export async function createPolicyAction(
  project: string,
  input: unknown,
): Promise<ActionResult<{ id: number; signingSecret: string }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const { policy, signingSecret } = await createPolicy(actor, ref, parseWith(policyInputSchema, input));
    refresh(ref.name);
    return { id: policy.id, signingSecret };
  }, "Webhook created.");
}

export async function updatePolicyAction(
  project: string,
  policyId: number,
  input: unknown,
): Promise<ActionResult<{ id: number }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const policy = await updatePolicy(actor, ref, id(policyId), parseWith(policyInputSchema, input));
    refresh(ref.name);
    return { id: policy.id };
  }, "Webhook saved.");
}

/** For the name field, as the user types: whether another policy of the project has this name. */
export async function isPolicyNameTakenAction(
  project: string,
  name: string,
  exceptId?: number,
): Promise<ActionResult<boolean>> {
  return runAction(async () => {
    const { project: ref } = await manage(project);
    if (typeof name !== "string" || name.trim() === "" || hasUnstorableText(name)) return false;
    return isPolicyNameTaken(ref.id, name.slice(0, 256), exceptId ? id(exceptId) : undefined);
  });
}

export async function setPolicyEnabledAction(
  project: string,
  policyId: number,
  enabled: boolean,
): Promise<ActionResult> {
  return runAction(
    async () => {
      const { actor, project: ref } = await manage(project);
      await setPolicyEnabled(actor, ref, id(policyId), enabled === true);
      refresh(ref.name);
      return undefined;
    },
    enabled ? "Webhook enabled." : "Webhook deactivated.",
  );
}

export async function deletePolicyAction(project: string, policyId: number): Promise<ActionResult> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    await deletePolicy(actor, ref, id(policyId));
    refresh(ref.name);
    return undefined;
  }, "Webhook deleted.");
}

/**
 * "Send test event": the spec's sample of the chosen type, through the same pipeline as any event
 * (history, retries, the network guard on delivery), to this policy only.
 */
export async function sendTestEventAction(
  project: string,
  policyId: number,
  eventType: unknown,
): Promise<ActionResult<{ deliveries: number }>> {
  return runAction(async () => {
    const { project: ref } = await manage(project);
    const policy = await getPolicyOrThrow(ref.id, id(policyId));
    const { eventType: type } = parseWith(testEventSchema, { eventType });
    const result = await ingestEvent({
      projectId: ref.id,
      event: sampleEvent(type, new Date()),
      source: "test",
      onlyPolicyId: policy.id,
    });
    refresh(ref.name);
    return { deliveries: result.status === "accepted" ? result.deliveries : 0 };
  });
}

export async function resumeTargetAction(project: string, policyId: number, targetId: number): Promise<ActionResult> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    await resumeTarget(actor, ref, id(policyId), id(targetId));
    refresh(ref.name);
    return undefined;
  }, "Deliveries resumed.");
}

export async function rotateSigningKeyAction(
  project: string,
  policyId: number,
): Promise<ActionResult<{ signingSecret: string; previousKeysExpireAt: string }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const { signingSecret, previousKeysExpireAt } = await rotateSigningKey(actor, ref, id(policyId));
    refresh(ref.name);
    return { signingSecret, previousKeysExpireAt: previousKeysExpireAt.toISOString() };
  }, "Signing key rotated.");
}

export async function stopExecutionAction(
  project: string,
  policyId: number,
  executionId: number,
): Promise<ActionResult<{ stopped: number }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const policy = await getPolicyOrThrow(ref.id, id(policyId));
    const stopped = await stopExecution(actor, policy.id, id(executionId));
    refresh(ref.name);
    return { stopped };
  });
}

export async function redeliverTaskAction(
  project: string,
  policyId: number,
  taskId: number,
): Promise<ActionResult<{ queued: number }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const policy = await getPolicyOrThrow(ref.id, id(policyId));
    const queued = await redeliverTask(actor, policy.id, id(taskId));
    refresh(ref.name);
    return { queued };
  });
}

export async function redeliverFailedAction(
  project: string,
  policyId: number,
  range: unknown,
): Promise<ActionResult<{ queued: number }>> {
  return runAction(async () => {
    const { actor, project: ref } = await manage(project);
    const policy = await getPolicyOrThrow(ref.id, id(policyId));
    // The REST API's schema ({from, to, include_stopped}): the browser sends instants it made in the user's time zone.
    const r = parseWith(redeliverRangeSchema, range);
    const queued = await redeliverFailed(actor, policy.id, {
      from: r.from,
      to: r.to,
      includeStopped: r.include_stopped,
    });
    refresh(ref.name);
    return { queued };
  });
}
