import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { resumeTargetsHandler } from "@/lib/harbor-api/webhook-handlers";

export const POST = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.manage" },
  resumeTargetsHandler,
);
