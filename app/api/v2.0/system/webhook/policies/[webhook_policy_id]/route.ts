import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { deletePolicyHandler, getPolicyHandler, updatePolicyHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = instanceWebhookRoute("webhook.read", getPolicyHandler);
export const PUT = instanceWebhookRoute("webhook.manage", updatePolicyHandler);
export const DELETE = instanceWebhookRoute("webhook.manage", deletePolicyHandler);
