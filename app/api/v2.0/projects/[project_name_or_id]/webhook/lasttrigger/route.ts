import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { harborLastTriggers } from "@/lib/harbor-api/last-trigger";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET …/webhook/lasttrigger: per policy and event type, when it last triggered. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.read" },
  async ({ access }) => NextResponse.json(await harborLastTriggers(access.project.id)),
);
