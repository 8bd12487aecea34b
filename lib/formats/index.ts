import type { HarborEvent, NotifyType, PayloadFormat } from "@/lib/shared/events";
import { buildCloudEvent, type CloudEventContext } from "./cloudevents";
import { buildDefaultPayload } from "./default";
import { buildSlackMessage } from "./slack";

export type RenderTarget = { type: NotifyType; payloadFormat: PayloadFormat };
export type RenderedPayload = { body: string; contentType: string };

/**
 * The request body a target receives for an event. Slack targets always get the
 * Slack message: the payload format applies to HTTP targets only.
 */
export function renderPayload(target: RenderTarget, event: HarborEvent, ctx: CloudEventContext): RenderedPayload {
  if (target.type === "slack") {
    return { body: JSON.stringify(buildSlackMessage(event)), contentType: "application/json" };
  }
  if (target.payloadFormat === "CloudEvents") {
    const { body, contentType } = buildCloudEvent(event, ctx);
    return { body, contentType };
  }
  return buildDefaultPayload(event);
}

export { buildCloudEvent, buildDefaultPayload, buildSlackMessage };
export type { CloudEventContext };
