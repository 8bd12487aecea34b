import { instanceWebhookRoute } from "@/lib/harbor-api/instance-route";
import { createPolicyHandler, listPoliciesHandler } from "@/lib/harbor-api/webhook-handlers";

/** The instance-wide webhook policies (system admins): Harbor's project webhook API without a project. */
export const GET = instanceWebhookRoute("webhook.read", listPoliciesHandler);
export const POST = instanceWebhookRoute("webhook.manage", createPolicyHandler);
