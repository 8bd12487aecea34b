"use server";
// Server actions of the webhook pages. Each declares its permission (a hidden button is no
// protection); the wrapper checks the session and the permission, validates with the same schemas
// as the REST API, and the body calls the same services with the access value.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionRowId, webhookAction, withIds } from "@/lib/actions/action";
import { webhookScopeId, type WebhookAccess } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { webhooksBase } from "@/lib/shared/webhook-scope";
import { countFailed, redeliverFailed, redeliverTask, stopExecution } from "@/lib/delivery/task-control";
import { ingestEvent } from "@/lib/events/ingest";
import { testEvent } from "@/lib/events/test-event";
import { env } from "@/lib/config/env";
import { redeliverRangeSchema } from "@/lib/harbor-api/inputs";
import { policyInputSchema } from "@/lib/shared/policy-input";
import {
  createPolicy,
  deletePolicy,
  getPolicyOrThrow,
  isPolicyNameTaken,
  resumeTarget,
  rotateSigningKey,
  setPolicyEnabled,
  targetWarnings,
  updatePolicy,
} from "@/lib/policies/service";
import { testEventSchema } from "@/lib/shared/test-event";
import { assertTemplatesRender } from "@/lib/events/template-check";
import { sampleEvent } from "@/lib/events/samples";
import { renderCustomPayload, SAMPLE_CONTEXT, TemplateError, templateErrorText } from "@/lib/formats/custom";
import { conditionsRefusal, parseStoredConditions } from "@/lib/shared/conditions";
import { EVENT_TYPES } from "@/lib/shared/events";
import { contentTypeSchema, payloadTemplateSchema } from "@/lib/shared/payload-template";

/** The pages of the access's webhooks (a project's, or the instance-wide ones) show the change. */
function refresh(access: WebhookAccess) {
  revalidatePath(webhooksBase(access.project?.name ?? null), "layout");
}

const manage = "webhook.manage" as const;
const onePolicy = z.object({ policyId: actionRowId });

/**
 * Creates a policy; the signing secret comes back here, once. Saving a target the network guard
 * would refuse succeeds, with warnings (the form shows them under the address).
 */
export const createPolicyAction = webhookAction(
  { permission: manage, input: policyInputSchema, args: (input: unknown) => input, success: "Webhook created." },
  async ({ access, input }) => {
    assertTemplatesRender(input.targets);
    const { policy, signingSecret } = await createPolicy(access, input);
    refresh(access);
    return { id: policy.id, signingSecret, warnings: await targetWarnings(access, input.targets) };
  },
);

export const updatePolicyAction = webhookAction(
  {
    permission: manage,
    input: policyInputSchema.extend({ policyId: actionRowId }),
    args: (policyId: number, input: unknown) => withIds(input, { policyId }),
    success: "Webhook saved.",
  },
  async ({ access, input }) => {
    assertTemplatesRender(input.targets, (await getPolicyOrThrow(webhookScopeId(access), input.policyId)).targets);
    const policy = await updatePolicy(access, input.policyId, input);
    refresh(access);
    return { id: policy.id, warnings: await targetWarnings(access, policy.targets) };
  },
);

/** For the name field, as the user types: whether another policy of the project has this name. */
export const isPolicyNameTakenAction = webhookAction(
  {
    permission: manage,
    // Anything but a name is taken by nobody.
    input: z.object({ name: z.string().catch(""), exceptId: actionRowId.optional() }),
    args: (name: string, exceptId?: number) => ({ name, exceptId: exceptId || undefined }),
  },
  async ({ access, input }) => {
    if (input.name.trim() === "") return false;
    return isPolicyNameTaken(webhookScopeId(access), input.name.slice(0, 256), input.exceptId);
  },
);

export const setPolicyEnabledAction = webhookAction(
  {
    permission: manage,
    input: z.object({ policyId: actionRowId, enabled: z.unknown().transform((v) => v === true) }),
    args: (policyId: number, enabled: boolean) => ({ policyId, enabled }),
    success: (input) => (input.enabled ? "Webhook enabled." : "Webhook deactivated."),
  },
  async ({ access, input }) => {
    await setPolicyEnabled(access, input.policyId, input.enabled);
    refresh(access);
  },
);

export const deletePolicyAction = webhookAction(
  {
    permission: manage,
    input: onePolicy,
    args: (policyId: number) => ({ policyId }),
    success: "Webhook deleted.",
  },
  async ({ access, input }) => {
    await deletePolicy(access, input.policyId);
    refresh(access);
  },
);

/**
 * "Send test event" (a project's webhooks): the spec's sample of the chosen type, moved into this project (a repository
 * `<project>/harbor-notifier-test`) and to now, through the same pipeline as any event (history,
 * retries, the network guard on delivery), to this policy only.
 */
export const sendTestEventAction = webhookAction(
  {
    permission: manage,
    input: onePolicy.extend(testEventSchema.shape),
    args: (policyId: number, eventType: unknown) => ({ policyId, eventType }),
  },
  async ({ access, input }) => {
    // A test event is an event of a project: an instance-wide webhook gets real events only.
    if (access.project === null)
      throw new AppError("validation_error", "Test events are sent from a project's own webhooks.");
    const policy = await getPolicyOrThrow(webhookScopeId(access), input.policyId);
    const event = testEvent(input.eventType, {
      project: access.project.name,
      now: new Date(),
      externalUrl: env().EXTERNAL_URL,
    });
    const result = await ingestEvent({ projectId: access.project.id, event, source: "test", onlyPolicyId: policy.id });
    refresh(access);
    return {
      deliveries: result.status === "accepted" ? result.deliveries : 0,
      // Delivered regardless; said so the admin sees whether a real event like it would pass.
      skippedBecause: conditionsRefusal(parseStoredConditions(policy.conditions), event),
    };
  },
);

export const resumeTargetAction = webhookAction(
  {
    permission: manage,
    input: z.object({
      policyId: actionRowId,
      targetId: actionRowId,
      redeliver: z.unknown().transform((v) => v === true),
    }),
    args: (policyId: number, targetId: number, redeliver = false) => ({ policyId, targetId, redeliver }),
    success: "Deliveries resumed.",
  },
  async ({ access, input }) => {
    const { redelivered } = await resumeTarget(access, input.policyId, input.targetId, { redeliver: input.redeliver });
    refresh(access);
    return { redelivered };
  },
);

export const rotateSigningKeyAction = webhookAction(
  {
    permission: manage,
    input: onePolicy,
    args: (policyId: number) => ({ policyId }),
    success: "Signing key rotated.",
  },
  async ({ access, input }) => {
    const { signingSecret, previousKeysExpireAt } = await rotateSigningKey(access, input.policyId);
    refresh(access);
    return { signingSecret, previousKeysExpireAt: previousKeysExpireAt.toISOString() };
  },
);

export const stopExecutionAction = webhookAction(
  {
    permission: manage,
    input: z.object({ policyId: actionRowId, executionId: actionRowId }),
    args: (policyId: number, executionId: number) => ({ policyId, executionId }),
  },
  async ({ access, input }) => {
    const policy = await getPolicyOrThrow(webhookScopeId(access), input.policyId);
    const stopped = await stopExecution(access, policy.id, input.executionId);
    refresh(access);
    return { stopped };
  },
);

export const redeliverTaskAction = webhookAction(
  {
    permission: manage,
    input: z.object({ policyId: actionRowId, taskId: actionRowId }),
    args: (policyId: number, taskId: number) => ({ policyId, taskId }),
  },
  async ({ access, input }) => {
    const policy = await getPolicyOrThrow(webhookScopeId(access), input.policyId);
    const queued = await redeliverTask(access, policy.id, input.taskId);
    refresh(access);
    return { queued };
  },
);

/** Read-only: how many deliveries "redeliver failed" would send again for this range (the confirmation's count). */
export const countFailedAction = webhookAction(
  {
    permission: manage,
    input: redeliverRangeSchema.safeExtend({ policyId: actionRowId }),
    args: (policyId: number, range: unknown) => withIds(range, { policyId }),
  },
  async ({ access, input }) => {
    const policy = await getPolicyOrThrow(webhookScopeId(access), input.policyId);
    const count = await countFailed(access, policy.id, {
      from: input.from,
      to: input.to,
      includeStopped: input.include_stopped,
    });
    return { count };
  },
);

export const redeliverFailedAction = webhookAction(
  {
    permission: manage,
    // The REST API's schema ({from, to, include_stopped}): the browser sends instants it made in the user's time zone.
    input: redeliverRangeSchema.safeExtend({ policyId: actionRowId }),
    args: (policyId: number, range: unknown) => withIds(range, { policyId }),
  },
  async ({ access, input }) => {
    const policy = await getPolicyOrThrow(webhookScopeId(access), input.policyId);
    const queued = await redeliverFailed(access, policy.id, {
      from: input.from,
      to: input.to,
      includeStopped: input.include_stopped,
    });
    refresh(access);
    return { queued };
  },
);

const previewSchema = z.object({
  template: payloadTemplateSchema,
  content_type: contentTypeSchema.nullish(),
  event_type: z.enum(EVENT_TYPES, `Choose from ${EVENT_TYPES.join(", ")}.`),
});

export type TemplatePreview =
  { ok: true; body: string; contentType: string } | { ok: false; message: string; line?: number; column?: number };

/**
 * The policy form's live preview: the template rendered against the sample event of the chosen
 * type, in this project, as a delivery would render it; a failure with its line and column.
 */
export const previewTemplateAction = webhookAction(
  {
    permission: manage,
    input: previewSchema,
    args: (template: unknown, contentType: unknown, eventType: unknown) => ({
      template,
      content_type: contentType,
      event_type: eventType,
    }),
  },
  async ({ access, input }): Promise<TemplatePreview> => {
    try {
      const rendered = renderCustomPayload(
        { template: input.template, contentType: input.content_type },
        sampleEvent(input.event_type),
        {
          ...SAMPLE_CONTEXT,
          // Instance-wide: the sample's own project stands for whichever project the event comes from.
          ...(access.project
            ? { project: { id: access.project.id, name: access.project.name }, projectId: access.project.id }
            : {}),
          externalUrl: env().EXTERNAL_URL,
        },
      );
      return { ok: true, ...rendered };
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      return { ok: false, message: templateErrorText(err), line: err.line, column: err.column };
    }
  },
);
