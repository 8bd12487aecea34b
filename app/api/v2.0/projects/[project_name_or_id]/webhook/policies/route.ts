import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { createPolicyHandler, listPoliciesHandler } from "@/lib/harbor-api/webhook-handlers";

/** Harbor's webhook policies of a project (lib/harbor-api/webhook-handlers.ts has what each does). */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  listPoliciesHandler,
);
export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  createPolicyHandler,
);
