import type { ChatType, HarborEvent, NotifyType, PayloadFormat } from "@/lib/shared/events";
import type { ChatContext } from "./chat-facts";
import { buildCloudEvent, type CloudEventContext } from "./cloudevents";
import { buildDefaultPayload } from "./default";
import { buildDiscordMessage } from "./discord";
import { buildEmailMessage } from "./email";
import { buildGoogleChatMessage } from "./googlechat";
import { buildMattermostMessage } from "./mattermost";
import { buildSlackMessage } from "./slack";
import { buildTeamsMessage } from "./teams";

export type RenderTarget = { type: NotifyType; payloadFormat: PayloadFormat };
export type RenderedPayload = { body: string; contentType: string };
/** The CloudEvents context, plus what chat messages link to (the delivery in our UI, with EXTERNAL_URL). */
export type RenderContext = CloudEventContext & { executionId?: number; externalUrl?: string };

const CHAT_RENDERERS: Record<ChatType | "email", (event: HarborEvent, ctx: ChatContext) => unknown> = {
  email: buildEmailMessage,
  teams: buildTeamsMessage,
  googlechat: buildGoogleChatMessage,
  mattermost: buildMattermostMessage,
  discord: buildDiscordMessage,
};

/**
 * The request body a target receives for an event. Slack and the other chat tools always get their
 * own message: the payload format applies to HTTP targets only. An email target's "body" is its
 * message as JSON (subject, text and HTML parts), which the email sender turns into MIME.
 */
export function renderPayload(target: RenderTarget, event: HarborEvent, ctx: RenderContext): RenderedPayload {
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

export { buildCloudEvent, buildDefaultPayload, buildEmailMessage, buildSlackMessage };
export type { CloudEventContext };
