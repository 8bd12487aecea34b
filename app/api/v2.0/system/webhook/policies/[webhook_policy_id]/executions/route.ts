import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { listExecutionsHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = instanceWebhookRoute("webhook.read", listExecutionsHandler);
