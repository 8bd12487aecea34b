import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { resumeTargetsHandler } from "@/lib/harbor-api/webhook-handlers";

export const POST = instanceWebhookRoute("webhook.manage", resumeTargetsHandler);
