import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { taskLogHandler } from "@/lib/harbor-api/webhook-handlers";

export const GET = apiRoute({ flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" }, taskLogHandler);
