import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { getExecutionHandler, stopExecutionHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = instanceWebhookRoute("webhook.read", getExecutionHandler);
export const PATCH = instanceWebhookRoute("webhook.manage", stopExecutionHandler);
