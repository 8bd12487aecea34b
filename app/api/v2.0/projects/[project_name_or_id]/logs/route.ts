import { pagedJson } from "@/lib/api/pagination";
import { apiRoute } from "@/lib/api/route";
import { auditPage } from "@/lib/harbor-api/audit-logs";
import { PROJECT_PARAM } from "@/lib/harbor-api/route-helpers";

/** GET /api/v2.0/projects/{p}/logs (Harbor's project logs): the project's audit entries, for its admins. */
export const GET = apiRoute(
  { flavor: "harbor", project: PROJECT_PARAM, permission: "audit.read" },
  async ({ req, access }) => {
    const { paging, total, items } = await auditPage(req.nextUrl.searchParams, access.project.id);
    return pagedJson(req, items, paging, total);
  },
);
