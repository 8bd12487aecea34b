import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { getExecutionHandler, stopExecutionHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  getExecutionHandler,
);
export const PATCH = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  stopExecutionHandler,
);
