import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";
import { instanceCoverage } from "@/lib/policies/instance-coverage";

/**
 * GET …/webhook/instance-policies (our extension): the instance-wide webhooks that cover the
 * project, read-only: name, enabled, event types and target types; no addresses, no secrets.
 */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "webhook.coverage" },
  async ({ access }) => NextResponse.json(await instanceCoverage(access)),
);
