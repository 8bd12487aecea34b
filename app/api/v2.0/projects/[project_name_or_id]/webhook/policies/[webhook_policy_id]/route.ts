import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { deletePolicyHandler, getPolicyHandler, updatePolicyHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = apiRoute({ flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" }, getPolicyHandler);
export const PUT = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  updatePolicyHandler,
);
export const DELETE = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  deletePolicyHandler,
);
