import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { lastTriggerHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = instanceWebhookRoute("webhook.read", lastTriggerHandler);
