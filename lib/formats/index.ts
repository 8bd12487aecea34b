import type { ChatType, HarborEvent, NotifyType, PayloadFormat } from "@/lib/shared/events";
import type { ChatContext } from "./chat-facts";
import { buildCloudEvent, type CloudEventContext } from "./cloudevents";
import { renderCustomPayload, TemplateError } from "./custom";
import { buildDefaultPayload } from "./default";
import { buildDiscordMessage } from "./discord";
import { buildEmailMessage } from "./email";
import { buildGoogleChatMessage } from "./googlechat";
import { buildMattermostMessage } from "./mattermost";
import { buildSlackMessage } from "./slack";
import { buildTeamsMessage } from "./teams";

export type RenderTarget = {
  type: NotifyType;
  payloadFormat: PayloadFormat;
  /** The Custom format's Liquid template and Content-Type (application/json when empty). */
  payloadTemplate?: string | null;
  contentType?: string | null;
};
export type RenderedPayload = { body: string; contentType: string };
/**
 * The CloudEvents context, plus what chat messages link to (the delivery in our UI, with
 * EXTERNAL_URL) and the names a Custom template sees.
 */
export type RenderContext = CloudEventContext & {
  executionId?: number;
  externalUrl?: string;
  /** An instance-wide policy (links point at the system admin's pages). */
  instanceWide?: boolean;
  projectName?: string;
  policyName?: string;
};

const CHAT_RENDERERS: Record<ChatType | "email", (event: HarborEvent, ctx: ChatContext) => unknown> = {
  email: buildEmailMessage,
  teams: buildTeamsMessage,
  googlechat: buildGoogleChatMessage,
  mattermost: buildMattermostMessage,
  discord: buildDiscordMessage,
};

/**
 * The request body a target receives for an event. Slack always gets its Slack message; the other
 * chat tools their own message unless they use a Custom template; http targets choose any format.
 * An email target's "body" is its message as JSON (subject, text and HTML parts), which the email
 * sender turns into MIME. A Custom template that fails throws TemplateError.
 */
export function renderPayload(target: RenderTarget, event: HarborEvent, ctx: RenderContext): RenderedPayload {
  if (target.payloadFormat === "Custom" && target.type !== "slack") {
    if (!target.payloadTemplate) throw new TemplateError("the target has no payload template");
    return renderCustomPayload({ template: target.payloadTemplate, contentType: target.contentType }, event, {
      ...ctx,
      project: { id: ctx.projectId, name: ctx.projectName ?? "" },
      policy: { id: ctx.policyId, name: ctx.policyName ?? "" },
    });
  }
  if (target.type === "slack") {
    return { body: JSON.stringify(buildSlackMessage(event)), contentType: "application/json" };
  }
  if (target.type !== "http") {
    return { body: JSON.stringify(CHAT_RENDERERS[target.type](event, ctx)), contentType: "application/json" };
  }
  if (target.payloadFormat === "CloudEvents") {
    const { body, contentType } = buildCloudEvent(event, ctx);
    return { body, contentType };
  }
  return buildDefaultPayload(event);
}

export { buildCloudEvent, buildDefaultPayload, buildEmailMessage, buildSlackMessage, TemplateError };
export type { CloudEventContext };
