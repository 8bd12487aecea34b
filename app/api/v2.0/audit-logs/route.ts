import { pagedJson } from "@/lib/api/pagination";
import { apiRoute } from "@/lib/api/route";
import { auditPage } from "@/lib/harbor-api/audit-logs";

/** GET /api/v2.0/audit-logs (system admin): every audit entry, paged and filtered by `q` as Harbor's. */
export const GET = apiRoute({ flavor: "harbor", system: "settings.manage" }, async ({ req }) => {
  const { paging, total, items } = await auditPage(req.nextUrl.searchParams);
  return pagedJson(req, items, paging, total);
});
