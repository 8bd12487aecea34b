// An instance-wide webhook's task log as a text file. Same access rule as the log page (system admins).
import { notFound } from "@/lib/errors";
import { rowIdOr404 } from "@/lib/api/input";
import { apiRoute } from "@/lib/api/route";
import { taskLogText } from "@/lib/history/queries";
import { findPolicy } from "@/lib/policies/service";

/** Errors are plain text, as the file would be. */
export const GET = apiRoute({ flavor: "text", system: "webhooks.instance" }, async ({ params }) => {
  const policy = await findPolicy(null, rowIdOr404(params.id, "task"));
  const executionId = rowIdOr404(params.eid, "task");
  const taskId = rowIdOr404(params.tid, "task");
  const log = policy ? await taskLogText(policy.id, taskId, executionId) : null;
  if (log === null) throw notFound("task");
  return new Response(log, {
    status: 200,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="webhook-${policy!.id}-execution-${executionId}-task-${taskId}.log"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
