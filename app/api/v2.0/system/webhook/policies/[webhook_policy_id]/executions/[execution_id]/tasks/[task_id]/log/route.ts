import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { taskLogHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = instanceWebhookRoute("webhook.read", taskLogHandler);
