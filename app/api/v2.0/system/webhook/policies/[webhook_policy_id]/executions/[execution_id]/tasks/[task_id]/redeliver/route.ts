import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { redeliverTaskHandler } from "@/lib/harbor-api/webhook-handlers";

export const POST = instanceWebhookRoute("webhook.manage", redeliverTaskHandler);
